namespace AoaiHardening.Model
{
    /// <summary>Counts of a Test-AoaiHardening run (-Summary): per status, and failures per severity.</summary>
    public sealed class AoaiHardeningSummary
    {
        public string Baseline { get; internal set; } = "Default";
        public int Accounts { get; internal set; }
        public int Findings { get; internal set; }
        public int Pass { get; internal set; }
        public int Fail { get; internal set; }
        public int Waived { get; internal set; }
        public int NotApplicable { get; internal set; }
        public int NotEvaluated { get; internal set; }
        public int Error { get; internal set; }
        public int FailHigh { get; internal set; }
        public int FailMedium { get; internal set; }
        public int FailLow { get; internal set; }

        internal void Add(AoaiFinding finding)
        {
            Findings++;
            switch (finding.Status)
            {
                case AoaiFindingStatus.Pass: Pass++; break;
                case AoaiFindingStatus.Waived: Waived++; break;
                case AoaiFindingStatus.NotApplicable: NotApplicable++; break;
                case AoaiFindingStatus.NotEvaluated: NotEvaluated++; break;
                case AoaiFindingStatus.Error: Error++; break;
                case AoaiFindingStatus.Fail:
                    Fail++;
                    if (finding.Severity == AoaiSeverity.High) FailHigh++;
                    else if (finding.Severity == AoaiSeverity.Medium) FailMedium++;
                    else FailLow++;
                    break;
            }
        }
    }
}
