namespace AoaiHardening.Reports
{
    /// <summary>The file formats of Test-AoaiHardening -OutputFormat.</summary>
    internal enum ReportFormat
    {
        /// <summary>SARIF 2.1.0, for GitHub code scanning and Azure DevOps.</summary>
        Sarif,
        /// <summary>Every finding with all its properties, plus a summary, for scripts and dashboards.</summary>
        Json,
        /// <summary>One page for a security lead, as Markdown (pull requests, wikis, job summaries).</summary>
        Markdown,
        /// <summary>The same page as a self-contained HTML file (mail, print).</summary>
        Html,
    }
}
