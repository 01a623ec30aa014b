using System;

namespace AoaiHardening.Model
{
    /// <summary>
    /// What one content-filter probe proved on one deployment (Test-AoaiContentFilter): what was expected, what the data
    /// plane did, and which filter categories fired. The model's answer text is never kept.
    /// </summary>
    public sealed class AoaiContentFilterProbeResult
    {
        public string AccountName { get; internal set; } = string.Empty;
        public string DeploymentName { get; internal set; } = string.Empty;
        public string ProbeName { get; internal set; } = string.Empty;
        /// <summary>Benign, Borderline, Harmful, Jailbreak, IndirectAttack or Custom.</summary>
        public string Category { get; internal set; } = "Custom";
        /// <summary>Allowed or Filtered.</summary>
        public string Expected { get; internal set; } = "Allowed";
        /// <summary>Allowed, Filtered, or Error (no verdict: the request failed; see ErrorCode and Message).</summary>
        public string Actual { get; internal set; } = "Error";
        /// <summary>True when Actual equals Expected.</summary>
        public bool Passed { get; internal set; }
        /// <summary>Prompt (HTTP 400 content_filter), Completion (finish_reason content_filter), or null when not filtered.</summary>
        public string? FilteredBy { get; internal set; }
        /// <summary>
        /// Categories the filter blocked (e.g. "violence (high)", "jailbreak", "custom_blocklists (list)"), then those it
        /// detected without blocking, marked "(annotated)" (e.g. "jailbreak (annotated)", "violence (high, annotated)").
        /// </summary>
        public string[] CategoriesFired { get; internal set; } = Array.Empty<string>();
        /// <summary>The HTTP status of the last attempt; 0 when no answer came.</summary>
        public int HttpStatus { get; internal set; }
        /// <summary>choices[0].finish_reason of a 200 (stop, length, content_filter, …).</summary>
        public string? FinishReason { get; internal set; }
        /// <summary>error.code of an error answer (content_filter when the prompt was filtered), or our code when no answer came.</summary>
        public string? ErrorCode { get; internal set; }
        /// <summary>The verdict in words.</summary>
        public string Message { get; internal set; } = string.Empty;
        /// <summary>The data plane's request id (apim-request-id), for a support case.</summary>
        public string? RequestId { get; internal set; }

        public override string ToString() => $"{AccountName}/{DeploymentName}/{ProbeName}: expected {Expected}, {Actual}";
    }
}
