using System;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>
    /// Turns on Defender for AI for an account (defenderForAISettings/Default, state Enabled): absent → PUT, Disabled →
    /// PATCH of the state only, Enabled → nothing written.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "AoaiDefenderForAI", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiDefenderForAISetting))]
    public sealed class EnableAoaiDefenderForAI : AccountTargetCmdlet
    {
        private const string Enabled = "Enabled";

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var account = ResolveTarget();
            var service = new MonitoringService(Arm);
            try
            {
                JsonObject? current;
                try
                {
                    current = service.GetDefender(account, Call);
                }
                catch (ArmRequestException ex)
                {
                    WriteError(MonitoringErrors.Arm(this, ex, account, "reading the Defender for AI setting", "DefenderReadFailed", MonitoringService.DefenderPath(account)));
                    return;
                }
                var state = current == null ? null : AoaiDefenderForAISetting.FromJson(current, account).State;
                if (Json.EqualsIgnoreCase(state, Enabled))
                {
                    WriteVerbose($"{account.Name}: Defender for AI is already enabled (nothing to do).");
                    if (PassThru) WriteObject(AoaiDefenderForAISetting.FromJson(current!, account));
                    return;
                }
                var action = current == null ? "Enable Defender for AI (create defenderForAISettings/Default)" : $"Enable Defender for AI (state {state ?? "(none)"} → Enabled)";
                if (!ShouldProcess($"{account.Name} ({account.Id})", action)) return;
                JsonObject stored;
                var body = new JsonObject { ["properties"] = new JsonObject { ["state"] = Enabled } };
                try
                {
                    stored = current == null ? service.PutDefender(account, body, Call) : service.PatchDefender(account, body, Call);
                }
                catch (ArmRequestException ex)
                {
                    WriteError(MonitoringErrors.Arm(this, ex, account, current == null ? "creating the Defender for AI setting" : "enabling the Defender for AI setting",
                        "DefenderUpdateFailed", MonitoringService.DefenderPath(account)));
                    return;
                }
                var result = AoaiDefenderForAISetting.FromJson(stored, account);
                if (!Json.EqualsIgnoreCase(result.State, Enabled))
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{MyInvocation.MyCommand.Name}: account '{account.Name}' ({account.Id}) reported success but Defender for AI shows state '{result.State}'."),
                        MonitoringErrors.Area + "NotApplied", ErrorCategory.InvalidResult, result));
                    return;
                }
                WriteVerbose($"{account.Name}: {action}: done.");
                if (PassThru) WriteObject(result);
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
