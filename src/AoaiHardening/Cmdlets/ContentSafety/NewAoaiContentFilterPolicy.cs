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
    /// Creates a content filter (RAI policy) from a preset (Strict: the hardening guide's strict-production-filter; Default:
    /// the documented default) with explicit settings on top, and optionally points deployments at it. A policy of that name
    /// with the same settings is left alone (no write); one with other settings is an error (Set-AoaiContentFilterPolicy
    /// edits it). Fixes AOAI-CSF-004 and 005 (with -Preset Strict -DeploymentName).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AoaiContentFilterPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentFilterPolicy))]
    public sealed class NewAoaiContentFilterPolicy : ContentFilterPolicyCmdlet
    {
        /// <summary>The policy name (not Microsoft.*: those are the system policies).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("PolicyName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = null!;

        /// <summary>The starting point: Strict or Default (the default).</summary>
        [Parameter]
        [ValidateSet(ContentFilterPolicies.StrictPresetName, ContentFilterPolicies.DefaultPresetName, IgnoreCase = true)]
        public string Preset { get; set; } = ContentFilterPolicies.DefaultPresetName;

        /// <summary>Deployments to point at the policy once it exists (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? DeploymentName { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ValidateOrThrow(() => ValidatePolicyName(Name), ContentFilterAssignment.Area + "InvalidPolicyName", Name);
            // Checked here, not when the deployments are selected: that happens after the policy is written.
            ContentFilterAssignment.ValidateDeploymentNames(this, DeploymentName);
        }

        internal static void ValidatePolicyName(string name)
        {
            ContentFilterAssignment.ValidateChildName(name, "content filter policy");
            if (name.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{name}': names starting with 'Microsoft.' belong to the system policies; choose another name.");
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            var service = new ContentSafetyService(Arm);
            var desired = ContentFilterPolicies.Preset(Preset);
            ApplySettings(desired);
            try
            {
                JsonObject? existing;
                try
                {
                    existing = service.GetPolicy(account, Name, Call);
                }
                catch (ArmRequestException ex)
                {
                    WriteError(ContentFilterAssignment.ReadError(this, ex, account, $"reading content filter policy '{Name}'"));
                    return;
                }

                JsonObject? policy;
                var done = new List<string>();
                if (existing != null)
                {
                    if (!ContentFilterPolicies.SameSettings(existing["properties"] as JsonObject, desired))
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{account.Name}' already has a content filter policy '{Name}' with other settings. " +
                            "Edit it with Set-AoaiContentFilterPolicy (e.g. -Preset Strict), or choose another name."),
                            ContentFilterAssignment.Area + "PolicyExists", ErrorCategory.ResourceExists, Name));
                        return;
                    }
                    WriteVerbose($"{account.Name}: content filter policy '{Name}' already exists with these settings (nothing to do).");
                    policy = existing;
                }
                else
                {
                    if (!BlocklistsExist(service, account)) return;
                    WarnAboutWeakSettings(Name);
                    policy = ContentFilterPolicyWriter.Create(this, service, account, Name, new JsonObject { ["properties"] = desired });
                    if (policy == null && !WhatIfRequested) return;
                    if (policy != null) done.Add($"create content filter policy '{Name}'");
                }

                if (DeploymentName != null)
                {
                    var deployments = ContentFilterAssignment.Select(this, service, account, DeploymentName).ToList();
                    foreach (var _ in ContentFilterAssignment.Assign(this, service, account, Name, deployments, done)) DrainMessages();
                }
                if (PassThru && policy != null) WriteObject(AoaiContentFilterPolicy.FromJson(policy, account));
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
