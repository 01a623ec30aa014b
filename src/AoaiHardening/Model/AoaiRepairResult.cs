namespace AoaiHardening.Model
{
    /// <summary>What Repair-AoaiHardening did about one failing finding.</summary>
    public enum AoaiRepairStatus
    {
        /// <summary>The fixing cmdlet ran and reported no error.</summary>
        Fixed,
        /// <summary>The fixing cmdlet ran and reported an error (in Message).</summary>
        Failed,
        /// <summary>The fix needs input the finding cannot supply (Message names the Repair parameter), or the resource is not a deployed account.</summary>
        Skipped,
        /// <summary>The rule names a fix whose cmdlet this version does not have yet, or the fix is manual.</summary>
        NotAvailable,
    }

    /// <summary>One failing finding and what Repair-AoaiHardening did about it.</summary>
    public sealed class AoaiRepairResult
    {
        public string RuleId { get; internal set; } = string.Empty;
        public string ResourceId { get; internal set; } = string.Empty;
        public string ResourceName { get; internal set; } = string.Empty;
        public string? Target { get; internal set; }
        public AoaiRepairStatus Status { get; internal set; }
        /// <summary>The command line that ran (or would run).</summary>
        public string? Command { get; internal set; }
        public string Message { get; internal set; } = string.Empty;

        public override string ToString() => $"{RuleId} {ResourceName}: {Status}";
    }
}
