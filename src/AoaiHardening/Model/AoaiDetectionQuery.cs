using System;

namespace AoaiHardening.Model
{
    /// <summary>
    /// One of the hardening guide's detections (phase 4, monitoring): a Log Analytics (KQL) query and the alert that
    /// New-AoaiAlertRule makes of it. The queries are workspace-wide; New-AoaiAlertRule narrows them to one account by
    /// <c>_ResourceId</c>. Defined once, in <see cref="AoaiHardening.Services.Detections"/>.
    /// </summary>
    public sealed class AoaiDetectionQuery
    {
        public string Name { get; internal set; } = string.Empty;
        public string Description { get; internal set; } = string.Empty;
        /// <summary>Alert severity, 0 (critical) to 4 (verbose), as scheduledQueryRules takes it.</summary>
        public int Severity { get; internal set; }
        /// <summary>The Log Analytics table the query reads (AzureDiagnostics or AzureActivity).</summary>
        public string Table { get; internal set; } = string.Empty;
        /// <summary>The KQL, workspace-wide (every account that sends logs to the workspace).</summary>
        public string Query { get; internal set; } = string.Empty;
        /// <summary>How often the alert rule runs the query.</summary>
        public TimeSpan Frequency { get; internal set; }
        /// <summary>The time range each run looks at.</summary>
        public TimeSpan Window { get; internal set; }
        /// <summary>The alert fires when the measure compares to this with <see cref="Operator"/>.</summary>
        public double Threshold { get; internal set; }
        /// <summary>GreaterThan, GreaterThanOrEqual, …: the scheduledQueryRules operator.</summary>
        public string Operator { get; internal set; } = "GreaterThan";
        /// <summary>Count (rows) or Maximum/Total of <see cref="MeasureColumn"/>.</summary>
        public string TimeAggregation { get; internal set; } = "Count";
        /// <summary>The column the aggregation measures (null with Count).</summary>
        public string? MeasureColumn { get; internal set; }
        /// <summary>Columns the alert splits by (one alert per value, e.g. per caller IP).</summary>
        public string[] Dimensions { get; internal set; } = Array.Empty<string>();
        /// <summary>Columns of <see cref="Table"/> the query relies on.</summary>
        public string[] RequiredColumns { get; internal set; } = Array.Empty<string>();
        /// <summary>Looks back further than the window (the first-seen IP detection's history), or null.</summary>
        public TimeSpan? QueryTimeRange { get; internal set; }

        public override string ToString() => Name;
    }
}
