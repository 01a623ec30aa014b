using System;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Deletes a custom content blocklist with its items (a long-running DELETE). Refuses, before the DELETE, while a
    /// content filter policy of the account names the blocklist. A blocklist that does not exist is nothing to do.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "AoaiContentBlocklist", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentBlocklist))]
    public sealed class RemoveAoaiContentBlocklist : ExistingBlocklistCmdlet
    {
        private const int ProgressId = 7301;
        private const string Activity = "Removing content blocklist";

        /// <summary>The blocklist to delete.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet)]
        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = null!;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override string? GivenBlocklistName => Name;

        protected override void ProcessRecord()
        {
            var (account, name) = ResolveBlocklist();
            var service = new ContentSafetyService(Arm);
            var step = new Step();
            var target = Describe(account, name);
            try
            {
                // The items are read only when the blocklist is to be emitted.
                AoaiContentBlocklist? existing;
                if (PassThru)
                {
                    existing = Read(service, account, name, step);
                }
                else
                {
                    step.Set("AoaiHardening.ContentSafety.BlocklistReadFailed", $"reading {target}");
                    var json = service.GetBlocklist(account, name, Call);
                    existing = json == null ? null : AoaiContentBlocklist.FromJson(json, Enumerable.Empty<System.Text.Json.Nodes.JsonObject>(), account);
                }
                if (existing == null)
                {
                    WriteVerbose($"{target} does not exist: nothing to do.");
                    return;
                }

                step.Set("AoaiHardening.ContentSafety.BlocklistReadFailed", $"listing the content filter policies of account '{account.Name}'");
                var users = service.ListPolicies(account, Call)
                    .Select(p => AoaiContentFilterPolicy.FromJson(p, account))
                    .Where(p => p.CustomBlocklists.Any(b => string.Equals(b.BlocklistName, name, StringComparison.OrdinalIgnoreCase)))
                    .Select(p => p.Name)
                    .ToList();
                if (users.Count > 0)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: refused: {target} is used by content filter polic{(users.Count == 1 ? "y" : "ies")} " +
                            $"{string.Join(", ", users.Select(u => $"'{u}'"))}. Take it out of {(users.Count == 1 ? "that policy" : "those policies")} first " +
                            "(Set-AoaiContentFilterPolicy), then remove it."),
                        "AoaiHardening.ContentSafety.BlocklistInUse", ErrorCategory.ResourceBusy, ContentSafetyService.BlocklistPath(account, name)));
                    return;
                }

                if (!ShouldProcess(target, "Remove the content blocklist and its items")) return;

                step.Set("AoaiHardening.ContentSafety.BlocklistRemoveFailed", $"removing {target}");
                try
                {
                    var progress = CallWithProgress(ProgressId, Activity, target);
                    service.DeleteBlocklist(account, name, progress);
                    CompleteProgress(ProgressId, Activity);
                    WriteVerbose($"Removed {target}.");
                }
                catch (ArmRequestException ex) when (ex.Status == 404 && !IsAccountMissing(ex))
                {
                    WriteVerbose($"{target} was already gone.");
                }
                catch (ArmRequestException ex) when (ex.Status == 409 && ex.ErrorCode == "RaiBlocklistInUse")
                {
                    // A policy started using it after our check.
                    WriteError(ArmErrorRecord(ex, "AoaiHardening.ContentSafety.BlocklistInUse", step.Operation, ContentSafetyService.BlocklistPath(account, name)));
                    return;
                }
                if (PassThru) WriteObject(existing);
            }
            catch (ArmRequestException ex)
            {
                WriteError(StepError(ex, step, account, name));
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
