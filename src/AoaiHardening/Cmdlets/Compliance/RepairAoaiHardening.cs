using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;

namespace AoaiHardening.Cmdlets.Compliance
{
    /// <summary>
    /// Fixes what Test-AoaiHardening found: for each failing finding, runs the rule's fixing cmdlet with the command line
    /// the finding shows (ShouldProcess per fix; -WhatIf prints the plan and writes nothing). Fixes that need input the
    /// finding cannot supply take it from this cmdlet's parameters, or are reported as skipped with what is needed.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Repair, "AoaiHardening", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AoaiRepairResult))]
    [OutputType(typeof(AoaiAccount))]
    public sealed class RepairAoaiHardening : AoaiCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public AoaiFinding[] InputObject { get; set; } = null!;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubnetId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyVaultResourceId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AllowedFqdn { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkspaceResourceId { get; set; }

        /// <summary>The action group the detection alerts notify (AOAI-MON-002, with -WorkspaceResourceId).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ActionGroupResourceId { get; set; }

        /// <summary>
        /// The content filter (RAI policy) for the content-safety fixes (AOAI-CSF-001..005): attached to each failing
        /// deployment, and created from the Strict preset when the account does not have it.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ContentFilterPolicyName { get; set; }

        /// <summary>Run fixes that remove access (revoking role assignments) too; without it they are reported as skipped. Never bypasses -WhatIf.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Emit, instead of the repair results, each repaired account as it is afterwards, so the pipeline can test it again.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<AccountId> _repairedAccounts = new List<AccountId>();
        /// <summary>Each fixing cmdlet warns once per run of its own; across many fixes, say each warning once.</summary>
        private readonly HashSet<string> _warned = new HashSet<string>(StringComparer.Ordinal);

        private RepairInputs _inputs = RepairInputs.None;
        /// <summary>Command lines already run in this invocation, with their result.</summary>
        private readonly Dictionary<string, AoaiRepairResult> _done = new Dictionary<string, AoaiRepairResult>(StringComparer.OrdinalIgnoreCase);
        private ISet<string> _available = new HashSet<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // Checked once, before any finding is read or any fix runs: a typo would otherwise fail every fix that uses it,
            // each as a non-terminating error after the reads of its fixing cmdlet.
            const string Area = "AoaiHardening.Repair.";
            if (SubnetId != null) ValidateOrThrow(() => SubnetResourceId.Parse(SubnetId), Area + "InvalidSubnetId", SubnetId);
            if (KeyVaultResourceId != null) ValidateOrThrow(() => AoaiHardening.Arm.KeyVaultResourceId.Parse(KeyVaultResourceId), Area + "InvalidKeyVaultResourceId", KeyVaultResourceId);
            if (KeyName != null) ValidateOrThrow(() => KeyVaultKeyUri.ValidateKeyName(KeyName), Area + "InvalidKeyName", KeyName);
            foreach (var fqdn in AllowedFqdn ?? Array.Empty<string>())
                ValidateOrThrow(() => AoaiHardening.Cmdlets.Network.NetworkInput.NormalizeFqdn(fqdn), Area + "InvalidFqdn", fqdn);
            if (WorkspaceResourceId != null) ValidateOrThrow(() => MonitoringIds.Workspace(WorkspaceResourceId), Area + "InvalidWorkspaceId", WorkspaceResourceId);
            if (ActionGroupResourceId != null) ValidateOrThrow(() => MonitoringIds.ActionGroup(ActionGroupResourceId), Area + "InvalidActionGroupId", ActionGroupResourceId);
            if (ContentFilterPolicyName != null)
                ValidateOrThrow(() => AoaiHardening.Cmdlets.ContentSafety.NewAoaiContentFilterPolicy.ValidatePolicyName(ContentFilterPolicyName), Area + "InvalidPolicyName", ContentFilterPolicyName);
            _inputs = new RepairInputs
            {
                SubnetId = SubnetId,
                KeyVaultResourceId = KeyVaultResourceId,
                KeyName = KeyName,
                AllowedFqdn = AllowedFqdn,
                WorkspaceResourceId = WorkspaceResourceId,
                ActionGroupResourceId = ActionGroupResourceId,
                ContentFilterPolicyName = ContentFilterPolicyName,
            };
            _available = new HashSet<string>(MyInvocation.MyCommand.Module?.ExportedCmdlets.Keys ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        }

        protected override void ProcessRecord()
        {
            foreach (var finding in InputObject)
            {
                if (finding.Status != AoaiFindingStatus.Fail)
                {
                    WriteVerbose($"{finding.RuleId} on {finding.ResourceName}: {finding.Status}, nothing to repair.");
                    continue;
                }
                var result = Repair(finding);
                if (result == null) continue;
                if (result.Status == AoaiRepairStatus.Failed || result.Status == AoaiRepairStatus.Skipped || result.Status == AoaiRepairStatus.NotAvailable)
                    WriteVerbose($"{result.RuleId} on {result.ResourceName}: {result.Status}: {result.Message}");
                if (!PassThru) WriteObject(result);
            }
        }

        protected override void EndProcessing()
        {
            base.EndProcessing();
            if (!PassThru) return;
            var service = new Services.AccountService(Arm);
            foreach (var id in _repairedAccounts)
            {
                try
                {
                    WriteObject(service.Get(id, Call));
                }
                catch (ArmRequestException ex)
                {
                    WriteError(ArmErrorRecord(ex, "AoaiHardening.Repair.ReadFailed", $"reading account '{id.Name}' after repair", id.Id));
                }
            }
        }

        private AoaiRepairResult? Repair(AoaiFinding finding)
        {
            var result = new AoaiRepairResult { RuleId = finding.RuleId, ResourceId = finding.ResourceId, ResourceName = finding.ResourceName, Target = finding.Target };
            var fix = RuleCatalog.Find(finding.RuleId)?.Fix;
            if (fix == null)
                return Done(result, AoaiRepairStatus.NotAvailable, $"{finding.RuleId} has no automatic fix: {RuleCatalog.Find(finding.RuleId)?.Info.RemediationText ?? "unknown rule"}");
            // On Your Data rules cover three resources; the module's cmdlets fix the account's findings only.
            if (!fix.Applies(finding))
                return Done(result, AoaiRepairStatus.NotAvailable, $"{finding.RuleId} on {finding.Target} has no automatic fix: {finding.Remediation ?? RuleCatalog.Find(finding.RuleId)?.Info.RemediationText}");
            result.Command = fix.Render(finding, _inputs);
            if (!_available.Contains(fix.Command))
                return Done(result, AoaiRepairStatus.NotAvailable, $"The fix for {finding.RuleId}, {fix.Command}, is not available in this version yet.");
            if (!AccountId.TryParse(finding.ResourceId, out var parsed))
                return Done(result, AoaiRepairStatus.Skipped, $"'{finding.ResourceId}' is not a deployed account (offline template input?): fix the source instead.");
            var account = parsed!;
            var (parameters, missing) = fix.Bind(finding, _inputs);
            if (missing.Length > 0)
                return Done(result, AoaiRepairStatus.Skipped, $"{fix.Command} needs {string.Join(" and ", missing)}: pass {(missing.Length == 1 ? "it" : "them")} to Repair-AoaiHardening.");

            // Several rules can share one fix (NET-001 and NET-002): run each command line once.
            if (_done.TryGetValue(result.Command, out var earlier))
                return Done(result, earlier.Status, $"Same fix as for {earlier.RuleId} in this run: {earlier.Message}");
            // Fixes that remove access need -Force; -WhatIf still shows them in the plan, and -Force never skips -WhatIf.
            if (fix.HighImpact && !Force && !WhatIfRequested)
                return Done(result, AoaiRepairStatus.Skipped, $"{fix.Command} removes access: review the command line and run it yourself, or pass -Force to Repair-AoaiHardening.");
            // Per-target findings (one per deployment) name their target, so each line of a -WhatIf plan is distinct.
            var on = string.IsNullOrEmpty(finding.Target) ? string.Empty : $" on {finding.Target}";
            if (!ShouldProcess($"{finding.ResourceName} ({finding.ResourceId})", $"Fix {finding.RuleId} ({finding.Title}){on} with {fix.Command}")) return null;
            var outcome = Run(result, fix.Command, parameters);
            _done[result.Command] = outcome;
            if (outcome.Status == AoaiRepairStatus.Fixed && !_repairedAccounts.Any(a => string.Equals(a.Id, account.Id, StringComparison.OrdinalIgnoreCase)))
                _repairedAccounts.Add(account);
            return outcome;
        }

        /// <summary>Runs the fixing cmdlet in this runspace; its warnings and verbose messages are relayed, its errors become the result.</summary>
        private AoaiRepairResult Run(AoaiRepairResult result, string command, Dictionary<string, object> parameters)
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand(command);
            foreach (var parameter in parameters) ps.AddParameter(parameter.Key, parameter.Value);
            // Repair asked (ShouldProcess) for this fix already; the fixing cmdlet must not ask again. Its errors are
            // collected (not thrown by an inherited ErrorActionPreference) and relayed under Repair's own -ErrorAction.
            ps.AddParameter("Confirm", false);
            ps.AddParameter("ErrorAction", ActionPreference.Continue);
            // A nested pipeline writes warnings and verbose messages straight to the host; merged into its output they
            // reach this cmdlet, which relays them (each warning once per run) under its own preferences.
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Warning, PipelineResultTypes.Output);
            ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Verbose, PipelineResultTypes.Output);
            try
            {
                foreach (var item in ps.Invoke())
                {
                    switch (item?.BaseObject)
                    {
                        case WarningRecord warning when _warned.Add(warning.Message):
                            WriteWarning(warning.Message);
                            break;
                        case VerboseRecord verbose:
                            WriteVerbose(verbose.Message);
                            break;
                    }
                }
            }
            catch (RuntimeException ex)
            {
                WriteError(ex.ErrorRecord);
                return Done(result, AoaiRepairStatus.Failed, ex.Message);
            }
            if (ps.Streams.Error.Count > 0)
            {
                foreach (var error in ps.Streams.Error) WriteError(error);
                return Done(result, AoaiRepairStatus.Failed, string.Join(" ", ps.Streams.Error.Select(e => e.Exception?.Message ?? e.ToString())));
            }
            return Done(result, AoaiRepairStatus.Fixed, $"{command} completed.");
        }

        private bool WhatIfRequested =>
            (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && ((SwitchParameter)whatIf).IsPresent) ||
            (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference")));

        private static AoaiRepairResult Done(AoaiRepairResult result, AoaiRepairStatus status, string message)
        {
            result.Status = status;
            result.Message = message;
            return result;
        }
    }
}
