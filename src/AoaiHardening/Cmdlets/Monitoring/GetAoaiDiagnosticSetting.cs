using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>The diagnostic settings of an account: destinations, enabled categories, and whether each satisfies AOAI-MON-001. One request per account.</summary>
    [Cmdlet(VerbsCommon.Get, "AoaiDiagnosticSetting", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiDiagnosticSetting))]
    public sealed class GetAoaiDiagnosticSetting : AccountChildCmdlet
    {
        /// <summary>Names of settings to return; wildcards allowed. Without it, every setting.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        private List<WildcardPattern> _patterns = new List<WildcardPattern>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _patterns = (Name ?? Array.Empty<string>()).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            try
            {
                var settings = new MonitoringService(Arm).ListDiagnosticSettings(account.Id, Call)
                    .Select(s => AoaiDiagnosticSetting.FromJson(s, account))
                    .Where(s => _patterns.Count == 0 || _patterns.Any(p => p.IsMatch(s.Name)))
                    .ToList();
                if (settings.Count == 0) WriteVerbose($"{account.Name}: no diagnostic setting{(Name == null ? string.Empty : " matches " + string.Join(", ", Name))}.");
                else if (!settings.Any(s => s.CollectsAuditAndRequestLogs)) WriteVerbose($"{account.Name}: no setting collects Audit and RequestResponse logs with a destination (AOAI-MON-001 fails).");
                foreach (var setting in settings) WriteObject(setting);
            }
            catch (ArmRequestException ex)
            {
                WriteError(MonitoringErrors.Arm(this, ex, account, "reading the diagnostic settings", "DiagnosticSettingReadFailed", account.Id));
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
