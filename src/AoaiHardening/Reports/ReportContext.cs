using System;

namespace AoaiHardening.Reports
{
    /// <summary>What a report says about the run itself, beyond its findings.</summary>
    internal sealed class ReportContext
    {
        /// <summary>The module version (SARIF tool.driver.version).</summary>
        public string ToolVersion { get; set; } = "0.0.0";

        /// <summary>When the report was written; the only clock a report reads, so the same inputs give the same bytes.</summary>
        public DateTimeOffset GeneratedAt { get; set; }

        /// <summary>When the assessment started (SARIF invocation start); GeneratedAt when not given.</summary>
        public DateTimeOffset? StartedAt { get; set; }

        /// <summary>The baseline evaluated: Default, Strict, or the name of a baseline file.</summary>
        public string Baseline { get; set; } = "Default";

        /// <summary>The page title of the Markdown and HTML reports; a default title when null.</summary>
        public string? Title { get; set; }

        /// <summary>SARIF only: also report Pass and NotApplicable findings (kind pass/notApplicable, level none).</summary>
        public bool IncludePassing { get; set; }

        /// <summary>
        /// SARIF only: offline input files under this folder are located by a path relative to it (the repository root
        /// in CI, so code scanning can open the file); other files get an absolute file:// URI.
        /// </summary>
        public string? BaseDirectory { get; set; }
    }
}
