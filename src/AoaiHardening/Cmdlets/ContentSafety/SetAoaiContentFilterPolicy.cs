using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Edits a custom content filter (RAI policy) by PUT round-trip: the policy is read, only the named settings change
    /// (filters not named, blocklists not named and unknown fields are kept), and nothing is written when the result
    /// equals what is there. System policies cannot be edited.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AoaiContentFilterPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentFilterPolicy))]
    public sealed class SetAoaiContentFilterPolicy : ContentFilterPolicyCmdlet
    {
        private const string PolicySet = "Policy";

        /// <summary>Policies from Get-AoaiContentFilterPolicy.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PolicySet)]
        [ValidateNotNull]
        public AoaiContentFilterPolicy Policy { get; set; } = null!;

        /// <summary>The policy to edit.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = InputObjectSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
        [Alias("PolicyName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = null!;

        /// <summary>Replace the filters, mode and base policy with a preset's (Strict or Default); blocklists are kept.</summary>
        [Parameter]
        [ValidateSet(ContentFilterPolicies.StrictPresetName, ContentFilterPolicies.DefaultPresetName, IgnoreCase = true)]
        public string? Preset { get; set; }

        /// <summary>Blocklists to detach (every source).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveBlocklist { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (!HasSettings && Preset == null && RemoveBlocklist == null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    $"{MyInvocation.MyCommand.Name}: name what to change: -Preset, -HarmThreshold, -Jailbreak, -IndirectAttack, -ProtectedMaterial, -Mode, -Blocklist or -RemoveBlocklist."),
                    ContentFilterAssignment.Area + "NothingToChange", ErrorCategory.InvalidArgument, null));
            if (Name != null)
                ValidateOrThrow(() => ContentFilterAssignment.ValidateChildName(Name, "content filter policy"), ContentFilterAssignment.Area + "InvalidPolicyName", Name);
            foreach (var name in RemoveBlocklist ?? Array.Empty<string>())
                ValidateOrThrow(() => BlocklistInput.ValidateBlocklistName(name), ContentFilterAssignment.Area + "InvalidBlocklistName", name);
        }

        protected override void ProcessRecord()
        {
            var account = ParameterSetName == PolicySet ? AccountIdFrom(Policy.AccountId, Policy) : ResolveAccount();
            var name = ParameterSetName == PolicySet ? Policy.Name : Name;
            var service = new ContentSafetyService(Arm);
            try
            {
                JsonObject? current;
                try
                {
                    current = service.GetPolicy(account, name, Call); // a fresh read: the PUT round-trips what is there now
                }
                catch (ArmRequestException ex)
                {
                    WriteError(ContentFilterAssignment.ReadError(this, ex, account, $"reading content filter policy '{name}'"));
                    return;
                }
                if (current == null)
                {
                    WriteError(ContentFilterAssignment.PolicyNotFound(this, account, name));
                    return;
                }
                if (AoaiContentFilterPolicy.FromJson(current, account).IsSystem)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{MyInvocation.MyCommand.Name}: '{name}' on account '{account.Name}' is a system content filter policy and cannot be edited. " +
                        "Create a custom one with New-AoaiContentFilterPolicy and point deployments at it with Set-AoaiDeploymentContentFilter."),
                        ContentFilterAssignment.Area + "SystemPolicy", ErrorCategory.InvalidOperation, name));
                    return;
                }

                var edited = (JsonObject)current.DeepClone();
                if (!(edited["properties"] is JsonObject properties)) edited["properties"] = properties = new JsonObject();
                if (Preset != null)
                {
                    var preset = ContentFilterPolicies.Preset(Preset);
                    foreach (var field in new[] { "mode", "basePolicyName", "contentFilters" }) properties[field] = preset[field]!.DeepClone();
                }
                ApplySettings(properties);
                var detached = RemoveBlocklist == null ? 0 : ContentFilterPolicies.DetachBlocklists(properties, RemoveBlocklist);
                if (RemoveBlocklist != null && detached == 0) WriteVerbose($"{account.Name}/{name}: none of {string.Join(", ", RemoveBlocklist)} is attached.");

                if (ContentFilterPolicies.SameSettings(current["properties"] as JsonObject, properties))
                {
                    WriteVerbose($"{account.Name}: content filter policy '{name}' already has these settings (nothing to do).");
                    if (PassThru) WriteObject(AoaiContentFilterPolicy.FromJson(current, account));
                    return;
                }
                if (!BlocklistsExist(service, account)) return;
                WarnAboutWeakSettings(name);
                var stored = ContentFilterPolicyWriter.Replace(this, service, account, name, edited, $"Update content filter policy ({Describe()})");
                if (stored != null && PassThru) WriteObject(AoaiContentFilterPolicy.FromJson(stored, account));
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

        private string Describe()
        {
            var parts = new List<string>();
            if (Preset != null) parts.Add($"preset {Preset}");
            if (HarmThreshold != null) parts.Add($"harm threshold {HarmThreshold}");
            if (Jailbreak != null) parts.Add($"jailbreak {Jailbreak}");
            if (IndirectAttack != null) parts.Add($"indirect attack {IndirectAttack}");
            if (ProtectedMaterial != null) parts.Add($"protected material {ProtectedMaterial}");
            if (Mode != null) parts.Add($"mode {Mode}");
            if (Blocklist != null) parts.Add($"attach {string.Join(", ", Blocklist)}");
            if (RemoveBlocklist != null) parts.Add($"detach {string.Join(", ", RemoveBlocklist)}");
            return string.Join("; ", parts);
        }
    }
}
