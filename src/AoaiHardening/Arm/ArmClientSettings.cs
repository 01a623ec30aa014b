using System;
using System.Threading;

namespace AoaiHardening.Arm
{
    /// <summary>Knobs of the ARM layer. Defaults suit interactive use and runbooks alike.</summary>
    public sealed class ArmClientSettings
    {
        public int MaxRetries { get; set; } = 5;
        public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
        public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);
        /// <summary>How long a long-running operation may take before we give up waiting (the operation itself goes on).</summary>
        public TimeSpan LroTimeout { get; set; } = TimeSpan.FromMinutes(30);
        /// <summary>Poll interval when the service sends no Retry-After.</summary>
        public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>Upper bound on a server-requested poll interval, so a long Retry-After does not stall a runbook.</summary>
        public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(60);
        public string ModuleVersion { get; set; } = "0.0.0";
    }

    /// <summary>Progress of a long-running operation, reported after each poll.</summary>
    public sealed class LroProgress
    {
        internal LroProgress(string status, int? percentComplete, TimeSpan elapsed, int polls)
        {
            Status = status;
            PercentComplete = percentComplete;
            Elapsed = elapsed;
            Polls = polls;
        }

        public string Status { get; }
        public int? PercentComplete { get; }
        public TimeSpan Elapsed { get; }
        public int Polls { get; }
    }

    /// <summary>Per-call context: cancellation (Ctrl+C), where trace lines go, where LRO progress goes.</summary>
    public sealed class ArmCallOptions
    {
        public static readonly ArmCallOptions None = new ArmCallOptions();

        public CancellationToken CancellationToken { get; set; }
        public Action<string>? Trace { get; set; }
        public Action<LroProgress>? Progress { get; set; }
    }

    /// <summary>Where the final result of a long-running operation is read (the spec's final-state-via).</summary>
    public enum LroFinalState
    {
        /// <summary>GET the original resource URI (ARM's default for PUT/PATCH).</summary>
        OriginalUri,
        /// <summary>GET the Location URL.</summary>
        Location,
        /// <summary>The Azure-AsyncOperation status resource, then the original URI.</summary>
        AzureAsyncOperation,
    }
}
