using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// The settings New- and Set-AoaiContentFilterPolicy share: harm threshold, prompt shields, protected material, mode
    /// and blocklists, each applied to a policy's properties in place (entries the caller did not name are untouched).
    /// </summary>
    public abstract class ContentFilterPolicyCmdlet : AccountChildCmdlet
    {
        /// <summary>Hate, Sexual, Violence and Selfharm on prompts and completions: Low, Medium, High, or Off (needs Microsoft's approval).</summary>
        [Parameter]
        [ValidateSet("Low", "Medium", "High", "Off", IgnoreCase = true)]
        public string? HarmThreshold { get; set; }

        /// <summary>The jailbreak prompt shield: Block, Annotate or Off.</summary>
        [Parameter]
        [ValidateSet("Block", "Annotate", "Off", IgnoreCase = true)]
        public string? Jailbreak { get; set; }

        /// <summary>The indirect-attack (document) prompt shield: Block, Annotate or Off.</summary>
        [Parameter]
        [ValidateSet("Block", "Annotate", "Off", IgnoreCase = true)]
        public string? IndirectAttack { get; set; }

        /// <summary>Protected material (text and code) on completions: Block, Annotate or Off.</summary>
        [Parameter]
        [ValidateSet("Block", "Annotate", "Off", IgnoreCase = true)]
        public string? ProtectedMaterial { get; set; }

        /// <summary>Default, Blocking (synchronous), or Deferred / Asynchronous_filter (content returned before it is checked).</summary>
        [Parameter]
        [ValidateSet("Default", "Blocking", "Deferred", "Asynchronous_filter", IgnoreCase = true)]
        public string? Mode { get; set; }

        /// <summary>Custom blocklists to attach (they must exist on the account; New-AoaiContentBlocklist creates them).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Blocklist { get; set; }

        /// <summary>Where attached blocklists apply: Prompt, Completion or both (the default).</summary>
        [Parameter]
        [ValidateSet("Prompt", "Completion", IgnoreCase = true)]
        public string[] BlocklistSource { get; set; } = { ContentFilterPolicies.Prompt, ContentFilterPolicies.Completion };

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal bool HasSettings => HarmThreshold != null || Jailbreak != null || IndirectAttack != null || ProtectedMaterial != null || Mode != null || Blocklist != null;

        internal bool WhatIfRequested => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && ((SwitchParameter)w).IsPresent;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            foreach (var name in Blocklist ?? Array.Empty<string>())
                ValidateOrThrow(() => BlocklistInput.ValidateBlocklistName(name), ContentFilterAssignment.Area + "InvalidBlocklistName", name);
        }

        /// <summary>Applies the explicit settings to a policy's properties, in place.</summary>
        internal void ApplySettings(JsonObject properties)
        {
            if (HarmThreshold != null) ContentFilterPolicies.SetHarmThreshold(properties, HarmThreshold);
            if (Jailbreak != null) ContentFilterPolicies.SetFilter(properties, ContentFilterPolicies.Jailbreak, ContentFilterPolicies.Prompt, Jailbreak);
            if (IndirectAttack != null) ContentFilterPolicies.SetFilter(properties, ContentFilterPolicies.IndirectAttack, ContentFilterPolicies.Prompt, IndirectAttack);
            if (ProtectedMaterial != null)
            {
                ContentFilterPolicies.SetFilter(properties, ContentFilterPolicies.ProtectedMaterialText, ContentFilterPolicies.Completion, ProtectedMaterial);
                ContentFilterPolicies.SetFilter(properties, ContentFilterPolicies.ProtectedMaterialCode, ContentFilterPolicies.Completion, ProtectedMaterial);
            }
            if (Mode != null) properties["mode"] = ContentFilterPolicies.Canonical(Mode, ContentFilterPolicies.Modes);
            if (Blocklist != null) ContentFilterPolicies.AttachBlocklists(properties, Blocklist, BlocklistSource.Distinct(StringComparer.OrdinalIgnoreCase));
        }

        /// <summary>Says what the requested settings weaken, before the write (turning filters off needs Microsoft's approval).</summary>
        internal void WarnAboutWeakSettings(string policyName)
        {
            if (string.Equals(HarmThreshold, "Off", StringComparison.OrdinalIgnoreCase))
                WriteWarning($"Content filter '{policyName}': harm filters off. The service accepts this only with Microsoft's approval (modified content filtering); AOAI-CSF-001 fails.");
            else if (string.Equals(HarmThreshold, "High", StringComparison.OrdinalIgnoreCase))
                WriteWarning($"Content filter '{policyName}': harm threshold High lets low and medium severity content through; AOAI-CSF-001 fails.");
            foreach (var (value, name, rule) in new[] { (Jailbreak, "jailbreak", "AOAI-CSF-002"), (IndirectAttack, "indirect-attack", "AOAI-CSF-003") })
                if (value != null && !string.Equals(value, "Block", StringComparison.OrdinalIgnoreCase))
                    WriteWarning($"Content filter '{policyName}': the {name} shield will not block ({value}); {rule} fails.");
            if (ContentFilterPolicies.IsAsynchronous(Mode))
                WriteWarning($"Content filter '{policyName}': mode {Mode} returns content before it is checked; AOAI-CSF-004 fails.");
        }

        /// <summary>Every blocklist to attach must exist; returns false (errors written) when one does not or cannot be read.</summary>
        internal bool BlocklistsExist(ContentSafetyService service, AccountId account)
        {
            var ok = true;
            foreach (var name in (Blocklist ?? Array.Empty<string>()).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                try
                {
                    if (service.GetBlocklist(account, name, Call) != null) continue;
                    WriteError(new ErrorRecord(new ItemNotFoundException($"{MyInvocation.MyCommand.Name}: account '{account.Name}' has no blocklist '{name}'. Create it with New-AoaiContentBlocklist."),
                        ContentFilterAssignment.Area + "BlocklistNotFound", ErrorCategory.ObjectNotFound, name));
                }
                catch (ArmRequestException ex)
                {
                    WriteError(ContentFilterAssignment.ReadError(this, ex, account, $"reading blocklist '{name}'"));
                }
                ok = false;
            }
            return ok;
        }
    }
}
