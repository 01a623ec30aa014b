using System;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// The model deployments of an account: model, version, sku, capacity and the content filter (raiPolicyName) each
    /// one uses. Streams as ARM pages arrive. An exact name is one GET; a wildcard (or none) lists.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiDeployment", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiDeployment))]
    public sealed class GetAoaiDeployment : AccountChildCmdlet
    {
        /// <summary>Deployment names to return (wildcards allowed); all when omitted.</summary>
        [Parameter(Position = 0)]
        [Alias("DeploymentName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ContentFilterAssignment.ValidateDeploymentNames(this, Name);
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            var service = new ContentSafetyService(Arm);
            try
            {
                foreach (var deployment in ContentFilterAssignment.Select(this, service, account, Name))
                {
                    WriteObject(deployment);
                    DrainMessages();
                }
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
