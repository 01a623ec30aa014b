using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Points deployments at a content filter (RAI policy): every deployment of the account, or the ones named. Each change
    /// is the deployment PUT round-trip with only raiPolicyName changed (model, sku and unknown fields kept), its LRO
    /// awaited. The policy must exist (custom or system) unless -Preset says how to create it. Deployments already using
    /// it are not written. Fixes AOAI-CSF-001, 002 and 003.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AoaiDeploymentContentFilter", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiDeployment))]
    public sealed class SetAoaiDeploymentContentFilter : AccountChildCmdlet
    {
        private const string DeploymentSet = "Deployment";

        /// <summary>Deployments from Get-AoaiDeployment.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DeploymentSet)]
        [ValidateNotNull]
        public AoaiDeployment[] Deployment { get; set; } = null!;

        /// <summary>The content filter policy to apply (custom, or Microsoft.Default / Microsoft.DefaultV2).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("RaiPolicyName")]
        [ValidateNotNullOrEmpty]
        public string PolicyName { get; set; } = null!;

        /// <summary>Deployments to change (wildcards allowed); every deployment of the account when omitted.</summary>
        [Parameter(ParameterSetName = InputObjectSet)]
        [Parameter(ParameterSetName = ResourceIdSet)]
        [Parameter(ParameterSetName = ByNameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? DeploymentName { get; set; }

        /// <summary>When the account has no policy of that name, create it from this preset first (Strict or Default).</summary>
        [Parameter]
        [ValidateSet(ContentFilterPolicies.StrictPresetName, ContentFilterPolicies.DefaultPresetName, IgnoreCase = true)]
        public string? Preset { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ValidateOrThrow(() => ContentFilterAssignment.ValidateChildName(PolicyName, "content filter policy"), ContentFilterAssignment.Area + "InvalidPolicyName", PolicyName);
            ContentFilterAssignment.ValidateDeploymentNames(this, DeploymentName);
        }

        protected override void ProcessRecord()
        {
            var service = new ContentSafetyService(Arm);
            try
            {
                if (ParameterSetName == DeploymentSet)
                {
                    // Piped deployments may come from several accounts: one policy check per account.
                    foreach (var group in Deployment.GroupBy(d => d.AccountId, StringComparer.OrdinalIgnoreCase))
                    {
                        var account = AccountIdFrom(group.Key, group.First());
                        Apply(service, account, group.ToList());
                    }
                }
                else
                {
                    var account = ResolveAccount();
                    Apply(service, account, null);
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

        private bool WhatIfRequested => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && ((SwitchParameter)w).IsPresent;

        private void Apply(ContentSafetyService service, AccountId account, IReadOnlyList<AoaiDeployment>? given)
        {
            JsonObject? policy;
            try
            {
                policy = service.GetPolicy(account, PolicyName, Call);
            }
            catch (ArmRequestException ex)
            {
                WriteError(ContentFilterAssignment.ReadError(this, ex, account, $"reading content filter policy '{PolicyName}'"));
                return;
            }

            // A missing policy without -Preset stops here, before the deployments are even read.
            if (policy == null && Preset == null)
            {
                WriteError(ContentFilterAssignment.PolicyNotFound(this, account, PolicyName));
                return;
            }
            var deployments = (given ?? ContentFilterAssignment.Select(this, service, account, DeploymentName)).ToList();
            var toChange = deployments.Where(d => !string.Equals(d.RaiPolicyName, PolicyName, StringComparison.OrdinalIgnoreCase)).ToList();
            var done = new List<string>();
            if (policy == null && toChange.Count > 0)
            {
                policy = ContentFilterPolicyWriter.Create(this, service, account, PolicyName, new JsonObject { ["properties"] = ContentFilterPolicies.Preset(Preset!) });
                if (policy == null)
                {
                    // Declined or failed: no deployment may point at a missing policy. Under -WhatIf, still show what would change.
                    if (WhatIfRequested) foreach (var _ in ContentFilterAssignment.Assign(this, service, account, PolicyName, toChange)) { }
                    return;
                }
                done.Add($"create content filter policy '{PolicyName}' from preset {Preset}");
            }
            if (policy != null)
                foreach (var warning in ContentFilterAssignment.Weaknesses(policy["properties"] as JsonObject, PolicyName)) WriteWarning(warning);

            foreach (var updated in ContentFilterAssignment.Assign(this, service, account, PolicyName, deployments, done))
            {
                if (PassThru) WriteObject(updated);
                DrainMessages();
            }
        }
    }
}
