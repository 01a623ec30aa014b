using System;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// The content filters (RAI policies) of an account: custom ones and the system ones (Microsoft.Default,
    /// Microsoft.DefaultV2), with every filter entry, the mode and the attached blocklists.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiContentFilterPolicy", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentFilterPolicy))]
    public sealed class GetAoaiContentFilterPolicy : AccountChildCmdlet
    {
        /// <summary>Policy names to return (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0)]
        [Alias("PolicyName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Only the policies the account's owners created (UserManaged), not the system ones.</summary>
        [Parameter]
        public SwitchParameter CustomOnly { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // Exact names are read one GET each (a URL path segment); wildcard patterns only filter the list.
            ContentFilterAssignment.ValidateExactNames(this, Name, "content filter policy", ContentFilterAssignment.Area + "InvalidPolicyName");
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            var service = new ContentSafetyService(Arm);
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            try
            {
                if (Name != null && Name.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))
                {
                    foreach (var name in Name)
                    {
                        var json = service.GetPolicy(account, name, Call);
                        if (json == null)
                        {
                            WriteError(ContentFilterAssignment.PolicyNotFound(this, account, name));
                            continue;
                        }
                        var policy = AoaiContentFilterPolicy.FromJson(json, account);
                        if (!CustomOnly || !policy.IsSystem) WriteObject(policy);
                    }
                    return;
                }
                foreach (var json in service.ListPolicies(account, Call))
                {
                    var policy = AoaiContentFilterPolicy.FromJson(json, account);
                    if (CustomOnly && policy.IsSystem) continue;
                    if (patterns != null && !patterns.Any(p => p.IsMatch(policy.Name))) continue;
                    WriteObject(policy);
                    DrainMessages();
                }
            }
            catch (ArmRequestException ex)
            {
                WriteError(ContentFilterAssignment.ReadError(this, ex, account, "reading the content filter policies"));
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }
    }
}
