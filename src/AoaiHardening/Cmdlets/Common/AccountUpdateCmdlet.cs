using System;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// The surgical-update recipe every account hardening cmdlet shares: read the current state; if it is already
    /// compliant, write nothing; otherwise ShouldProcess, PATCH only the fields that change, wait for the LRO with
    /// progress, read back and verify. -PassThru emits the account as it is afterwards.
    /// </summary>
    public abstract class AccountUpdateCmdlet : AccountTargetCmdlet
    {
        private static int _nextActivityId = 4200;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The ErrorId area, e.g. "LocalAuth" → AoaiHardening.LocalAuth.UpdateFailed.</summary>
        protected abstract string ErrorArea { get; }

        /// <summary>The ShouldProcess action, e.g. "Disable key (local) authentication".</summary>
        protected abstract string Action { get; }

        /// <summary>True when the account already has the desired setting (no write then).</summary>
        protected abstract bool IsDesired(AoaiAccount account);

        /// <summary>The PATCH body: only the fields being changed.</summary>
        protected abstract JsonObject BuildPatch(AoaiAccount account);

        /// <summary>Called once per account right after it is read, before anything is decided (e.g. to say which requested items are already in place).</summary>
        protected virtual void Inspect(AoaiAccount current)
        {
        }

        /// <summary>
        /// Checked after the read, before ShouldProcess: a non-null error refuses the change for this account and nothing
        /// is written (e.g. removing an identity that customer-managed keys depend on).
        /// </summary>
        protected virtual ErrorRecord? Refuse(AoaiAccount account) => null;

        /// <summary>Called once, before the first write of this invocation (e.g. to warn about the consequences).</summary>
        protected virtual void BeforeFirstChange(AoaiAccount account)
        {
        }

        /// <summary>Called before each write, after ShouldProcess and BeforeFirstChange (e.g. to warn about what this account loses).</summary>
        protected virtual void BeforeChange(AoaiAccount account)
        {
        }

        /// <summary>Called after a verified change (e.g. to say what the caller needs next).</summary>
        protected virtual void AfterChange(AoaiAccount updated)
        {
        }

        private bool _changedOnce;

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            var service = new AccountService(Arm);
            try
            {
                var current = service.Get(id, Call);
                Inspect(current);
                if (IsDesired(current))
                {
                    WriteVerbose($"{current.Name}: already compliant ({Action}: nothing to do).");
                    if (PassThru) WriteObject(current);
                    return;
                }

                var refusal = Refuse(current);
                if (refusal != null)
                {
                    WriteError(refusal);
                    return;
                }

                if (!ShouldProcess($"{current.Name} ({current.Id})", Action)) return;
                if (!_changedOnce)
                {
                    _changedOnce = true;
                    BeforeFirstChange(current);
                }
                BeforeChange(current);

                AoaiAccount updated;
                try
                {
                    updated = service.Patch(id, BuildPatch(current), CallWithProgress(_activityId, Action, current.Name));
                }
                finally
                {
                    CompleteProgress(_activityId, Action);
                }

                if (!IsDesired(updated))
                {
                    WriteError(new ErrorRecord(
                        new InvalidOperationException($"{MyInvocation.MyCommand.Name}: account '{updated.Name}' ({updated.Id}) reported success but does not show the change after the update (provisioningState {updated.ProvisioningState})."),
                        $"AoaiHardening.{ErrorArea}.NotApplied", ErrorCategory.InvalidResult, updated));
                    return;
                }
                WriteVerbose($"{updated.Name}: {Action}: done.");
                AfterChange(updated);
                if (PassThru) WriteObject(updated);
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && ex.Method == "GET")
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"reading account '{id.Name}' ({id.Id})", id.Id));
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, $"AoaiHardening.{ErrorArea}.UpdateFailed", $"{Action} on account '{id.Name}' ({id.Id})", id.Id));
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
