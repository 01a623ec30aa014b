using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Lists or gets an account's custom content blocklists, each with its items. Names without wildcards are read
    /// directly (one GET each, an error when absent); wildcards filter the account's list.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiContentBlocklist", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentBlocklist))]
    public sealed class GetAoaiContentBlocklist : ContentBlocklistCmdlet
    {
        /// <summary>Blocklist names; wildcards allowed. All blocklists when omitted.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        private readonly List<string> _literal = new List<string>();
        private readonly List<WildcardPattern> _wildcards = new List<WildcardPattern>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            foreach (var name in Name ?? Array.Empty<string>())
            {
                if (WildcardPattern.ContainsWildcardCharacters(name)) _wildcards.Add(WildcardPattern.Get(name, WildcardOptions.IgnoreCase));
                else if (!_literal.Contains(name, StringComparer.OrdinalIgnoreCase)) _literal.Add(ValidateBlocklistName(name, name));
            }
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            var service = new ContentSafetyService(Arm);
            var step = new Step();
            var current = "*";
            try
            {
                if (Name == null || _wildcards.Count > 0)
                {
                    step.Set("AoaiHardening.ContentSafety.BlocklistReadFailed", $"listing the blocklists of account '{account.Name}'");
                    var listed = service.ListBlocklists(account, Call).ToList();
                    foreach (var json in listed)
                    {
                        var name = AoaiContentBlocklist.LeafName(json);
                        if (Name != null && !_wildcards.Any(w => w.IsMatch(name)) && !_literal.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
                        current = name;
                        step.Set("AoaiHardening.ContentSafety.BlocklistReadFailed", $"listing the items of {Describe(account, name)}");
                        WriteObject(AoaiContentBlocklist.FromJson(json, service.ListBlocklistItems(account, name, Call).ToList(), account));
                    }
                    foreach (var missing in _literal.Where(n => !listed.Any(j => string.Equals(AoaiContentBlocklist.LeafName(j), n, StringComparison.OrdinalIgnoreCase))))
                        WriteError(NotFoundError(account, missing, "getting the blocklist"));
                    return;
                }
                foreach (var name in _literal)
                {
                    current = name;
                    var blocklist = Read(service, account, name, step);
                    if (blocklist == null) WriteError(NotFoundError(account, name, "getting the blocklist"));
                    else WriteObject(blocklist);
                }
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && current == "*")
            {
                // The list of a missing account's children: the account is what is missing.
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"{step.Operation} ({account.Id})", account.Id));
            }
            catch (ArmRequestException ex) when (current == "*")
            {
                WriteError(ArmErrorRecord(ex, step.ErrorId, step.Operation, account.Id));
            }
            catch (ArmRequestException ex)
            {
                WriteError(StepError(ex, step, account, current));
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
