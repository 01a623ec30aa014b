using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using AoaiHardening.Arm;
using AoaiHardening.Auth;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// The thin shared base: a cancellation token that Ctrl+C (StopProcessing) trips, ARM trace lines and LRO progress
    /// routed to the pipeline thread, and error records with stable ids. Cmdlets never call Write* off the pipeline thread:
    /// callbacks arriving on another thread are queued and drained by <see cref="DrainMessages"/>.
    /// </summary>
    public abstract class AoaiCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cts = new CancellationTokenSource();
        private readonly ConcurrentQueue<Action> _pending = new ConcurrentQueue<Action>();
        private int _pipelineThreadId;
        private ArmCallOptions? _call;
        private bool _disposed;

        protected CancellationToken CancellationToken => _cts.Token;

        internal ArmClient Arm => AoaiSession.Client;

        /// <summary>Call options for ARM: Ctrl+C cancels, request lines go to the debug stream (no headers, no bodies).</summary>
        internal ArmCallOptions Call => _call ??= new ArmCallOptions
        {
            CancellationToken = _cts.Token,
            Trace = line => OnPipelineThread(() => WriteDebug(line)),
        };

        protected override void BeginProcessing()
        {
            _pipelineThreadId = Thread.CurrentThread.ManagedThreadId;
            // A -UseAzContext session: fresh Az PowerShell tokens before any request, and this thread may refresh them inline.
            if (AoaiSession.AzContext is { } az)
            {
                _azContext = az;
                _azFetcher = Connection.AzContextTokens.For(this, AoaiSession.Context.TenantId);
                az.SetFetcher(_azFetcher);
                az.Refresh(_azFetcher);
            }
        }

        protected override void StopProcessing() => _cts.Cancel();

        protected override void EndProcessing()
        {
            DrainMessages();
            ReleaseAzContext();
        }

        private AzContextCredential? _azContext;
        private AzContextCredential.Fetcher? _azFetcher;

        /// <summary>Keeps a -UseAzContext session's tokens fresh during a long command (pipeline thread; cheap when none is due).</summary>
        internal void RefreshSessionTokens()
        {
            if (_azContext != null && _azFetcher != null) _azContext.Refresh(_azFetcher);
        }

        private void ReleaseAzContext()
        {
            if (_azContext != null && _azFetcher != null) _azContext.ReleaseFetcher(_azFetcher);
            _azContext = null;
            _azFetcher = null;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            ReleaseAzContext();
            // PowerShell disposes a command when its pipeline ends, also when a downstream Select-Object -First stopped
            // it without StopProcessing: background work of the command (a scan's workers) stops here.
            _cts.Cancel();
            _cts.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Runs a Write* action now when on the pipeline thread, else queues it for <see cref="DrainMessages"/>.</summary>
        internal void OnPipelineThread(Action write)
        {
            if (Thread.CurrentThread.ManagedThreadId == _pipelineThreadId && !_cts.IsCancellationRequested) write();
            else _pending.Enqueue(write);
        }

        protected void DrainMessages()
        {
            while (_pending.TryDequeue(out var write)) write();
        }

        /// <summary>Call options that also report LRO progress under the given activity.</summary>
        internal ArmCallOptions CallWithProgress(int activityId, string activity, string target) => new ArmCallOptions
        {
            CancellationToken = _cts.Token,
            Trace = Call.Trace,
            Progress = p => OnPipelineThread(() => WriteProgress(new ProgressRecord(activityId, activity,
                $"{target}: {p.Status} ({p.Elapsed.TotalSeconds:0} s)")
            {
                PercentComplete = p.PercentComplete is int pct && pct >= 0 && pct <= 100 ? pct : -1,
            })),
        };

        internal void CompleteProgress(int activityId, string activity) =>
            WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });

        /// <summary>The subscriptions to work on: the ones given, else the context's default, else a terminating error.</summary>
        internal string[] ResolveSubscriptions(string[]? given)
        {
            if (given != null && given.Length > 0)
            {
                foreach (var s in given) ValidateOrThrow(() => AccountId.ValidateSubscriptionId(s), "AoaiHardening.Context.InvalidSubscriptionId", s);
                return given;
            }
            var fallback = AoaiSession.Context.SubscriptionId;
            if (fallback != null) return new[] { fallback };
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException("No subscription selected. Pass -SubscriptionId, or run Connect-AoaiHardening -SubscriptionId <id> (or set AZURE_SUBSCRIPTION_ID)."),
                "AoaiHardening.Context.NoSubscription", ErrorCategory.InvalidOperation, null));
            return Array.Empty<string>();
        }

        /// <summary>Runs a validation; an ArgumentException becomes a terminating InvalidArgument error (before any request).</summary>
        internal T ValidateOrThrow<T>(Func<T> validate, string errorId, object? target)
        {
            try
            {
                return validate();
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: {ex.Message}", ex), errorId, ErrorCategory.InvalidArgument, target));
                throw; // unreachable: ThrowTerminatingError always throws
            }
        }

        internal void ValidateOrThrow(Action validate, string errorId, object? target) =>
            ValidateOrThrow(() => { validate(); return true; }, errorId, target);

        /// <summary>An account named by resource id; malformed input is a terminating error before any request.</summary>
        internal AccountId AccountIdFrom(string resourceId, object target) =>
            ValidateOrThrow(() => AccountId.Parse(resourceId), "AoaiHardening.Account.InvalidResourceId", target);

        /// <summary>An account named by resource group and name (subscription: the given one, else the context's).</summary>
        internal AccountId AccountIdFrom(string? subscriptionId, string resourceGroupName, string name)
        {
            var subscription = ResolveSubscriptions(subscriptionId == null ? null : new[] { subscriptionId })[0];
            return ValidateOrThrow(() => AccountId.Create(subscription, resourceGroupName, name), "AoaiHardening.Account.InvalidName", name);
        }

        /// <summary>An error record for an ARM failure: the message names the cmdlet, the operation and the resource.</summary>
        /// <param name="after">Said after the ARM error, e.g. what the command had done before the failure.</param>
        internal ErrorRecord ArmErrorRecord(ArmRequestException ex, string errorId, string operation, object? target, string? after = null)
        {
            var wrapped = new ArmOperationException($"{MyInvocation.MyCommand.Name}: {operation} failed. {ex.Message}" + (after == null ? string.Empty : " " + after), ex);
            return new ErrorRecord(wrapped, errorId, CategoryOf(ex), target);
        }

        internal static ErrorCategory CategoryOf(ArmRequestException ex)
        {
            switch (ex.Status)
            {
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 409: return ErrorCategory.ResourceBusy;
                case 412: return ErrorCategory.InvalidOperation;
                case 429: return ErrorCategory.LimitsExceeded;
                case 0:
                    return ex.ErrorCode == "OperationTimedOut" || ex.ErrorCode == "RequestTimeout"
                        ? ErrorCategory.OperationTimeout
                        : ex.ErrorCode == "ConnectionFailed" ? ErrorCategory.ConnectionError : ErrorCategory.InvalidResult;
                default:
                    return ex.Status >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.InvalidOperation;
            }
        }

        /// <summary>Ctrl+C surfaces as cancellation deep in the ARM layer; PowerShell expects PipelineStoppedException.</summary>
        internal bool IsStopping(Exception ex) => ex is OperationCanceledException && _cts.IsCancellationRequested;
    }

    /// <summary>An ARM failure framed with the cmdlet and the step; the ARM details stay on the inner exception.</summary>
    public sealed class ArmOperationException : Exception
    {
        public ArmOperationException(string message, ArmRequestException inner) : base(message, inner)
        {
        }

        public ArmRequestException Arm => (ArmRequestException)InnerException!;
        public int Status => Arm.Status;
        public string? ErrorCode => Arm.ErrorCode;
        public string? RequestId => Arm.RequestId;
    }
}
