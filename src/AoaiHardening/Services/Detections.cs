using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AoaiHardening.Model;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The hardening guide's detections (phase 4), as data, in one place: Get-AoaiDetectionQuery lists them,
    /// New-AoaiAlertRule turns them into scheduledQueryRules, AOAI-MON-002 recognises those rules by their query, and
    /// the KQL tests check every query against <see cref="Columns"/>. Thresholds and severities are the guide's.
    /// </summary>
    internal static class Detections
    {
        public const string DiagnosticsTable = "AzureDiagnostics";
        public const string ActivityTable = "AzureActivity";

        /// <summary>The documented columns each query may use, per table (docs/architecture.md, "Monitoring").</summary>
        public static readonly IReadOnlyDictionary<string, string[]> Columns = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [DiagnosticsTable] = new[] { "ResourceProvider", "Category", "OperationName", "CallerIPAddress", "ResultSignature", "properties_s", "DurationMs", "TimeGenerated", "_ResourceId" },
            [ActivityTable] = new[] { "OperationNameValue", "ActivityStatusValue", "Caller", "CallerIpAddress", "TimeGenerated", "_ResourceId" },
        };

        private const string FromAoai = "AzureDiagnostics\n| where ResourceProvider == \"MICROSOFT.COGNITIVESERVICES\"";

        public static IReadOnlyList<AoaiDetectionQuery> All { get; } = new[]
        {
            new AoaiDetectionQuery
            {
                Name = "HighFrequencyCaller",
                Description = "One caller IP sends more than 50 requests in 5 minutes (scraping, key abuse, denial of wallet). The guide gives no alert severity: 3 (informational) is used.",
                Severity = 3,
                Table = DiagnosticsTable,
                Query = FromAoai + "\n| where Category == \"RequestResponse\"\n| summarize Requests = count() by CallerIPAddress",
                Frequency = TimeSpan.FromMinutes(5), Window = TimeSpan.FromMinutes(5),
                Threshold = 50, Operator = "GreaterThan", TimeAggregation = "Maximum", MeasureColumn = "Requests",
                Dimensions = new[] { "CallerIPAddress" },
                RequiredColumns = new[] { "ResourceProvider", "Category", "CallerIPAddress", "_ResourceId" },
            },
            new AoaiDetectionQuery
            {
                Name = "ContentFilterTriggers",
                Description = "Requests blocked by the content filter (HTTP 400 content_filter / ResponsibleAIPolicyViolation): the alert fires on more than 20 in 5 minutes (Sev 2). For hunting, more than 5 per hour from one IP is suspicious (group the query by CallerIPAddress over 1 hour).",
                Severity = 2,
                Table = DiagnosticsTable,
                Query = FromAoai + "\n| where Category == \"RequestResponse\"\n| where properties_s has \"content_filter\" or properties_s has \"ResponsibleAIPolicyViolation\"",
                Frequency = TimeSpan.FromMinutes(5), Window = TimeSpan.FromMinutes(5),
                Threshold = 20, Operator = "GreaterThan", TimeAggregation = "Count",
                RequiredColumns = new[] { "ResourceProvider", "Category", "properties_s", "_ResourceId" },
            },
            new AoaiDetectionQuery
            {
                Name = "KeyAuthInUse",
                Description = "Any request authenticated with an account key instead of Entra ID (Sev 3): after Disable-AoaiLocalAuth there should be none.",
                Severity = 3,
                Table = DiagnosticsTable,
                Query = FromAoai + "\n| where Category == \"RequestResponse\" or Category == \"Audit\"\n| where properties_s has \"\\\"authType\\\":\\\"Key\\\"\" or properties_s has \"ApiKey\"",
                Frequency = TimeSpan.FromMinutes(15), Window = TimeSpan.FromMinutes(15),
                Threshold = 0, Operator = "GreaterThan", TimeAggregation = "Count",
                RequiredColumns = new[] { "ResourceProvider", "Category", "properties_s", "_ResourceId" },
            },
            new AoaiDetectionQuery
            {
                Name = "DeploymentOrPolicyChange",
                Description = "A deployment, content filter (RAI policy) or blocklist was written or deleted, from the Activity Log (Sev 3).",
                Severity = 3,
                Table = ActivityTable,
                Query = "AzureActivity\n| where OperationNameValue startswith \"MICROSOFT.COGNITIVESERVICES/ACCOUNTS/\"\n| where OperationNameValue has_any (\"DEPLOYMENTS/WRITE\", \"DEPLOYMENTS/DELETE\", \"RAIPOLICIES/WRITE\", \"RAIPOLICIES/DELETE\", \"RAIBLOCKLISTS/WRITE\", \"RAIBLOCKLISTS/DELETE\")\n| where ActivityStatusValue == \"Success\"\n| project TimeGenerated, Caller, OperationNameValue, _ResourceId",
                Frequency = TimeSpan.FromMinutes(15), Window = TimeSpan.FromMinutes(15),
                Threshold = 0, Operator = "GreaterThan", TimeAggregation = "Count",
                RequiredColumns = new[] { "OperationNameValue", "ActivityStatusValue", "Caller", "TimeGenerated", "_ResourceId" },
            },
            new AoaiDetectionQuery
            {
                Name = "UnusualTokenConsumption",
                Description = "One caller consumes more than 500,000 tokens in an hour (Sev 2): leaked credentials or a runaway client. Reads the token counts of the AzureOpenAIRequestUsage category (properties_s totalTokens).",
                Severity = 2,
                Table = DiagnosticsTable,
                Query = FromAoai + "\n| where Category == \"AzureOpenAIRequestUsage\"\n| extend Tokens = todouble(parse_json(properties_s)[\"totalTokens\"])\n| summarize TotalTokens = sum(Tokens) by CallerIPAddress",
                Frequency = TimeSpan.FromHours(1), Window = TimeSpan.FromHours(1),
                Threshold = 500000, Operator = "GreaterThan", TimeAggregation = "Maximum", MeasureColumn = "TotalTokens",
                Dimensions = new[] { "CallerIPAddress" },
                RequiredColumns = new[] { "ResourceProvider", "Category", "properties_s", "CallerIPAddress", "_ResourceId" },
            },
            new AoaiDetectionQuery
            {
                Name = "FirstSeenIp",
                Description = "A caller IP seen in the last hour that did not call in the previous 2 days (Sev 4).",
                Severity = 4,
                Table = DiagnosticsTable,
                Query = FromAoai + "\n| where TimeGenerated > ago(1h)\n| summarize FirstSeen = min(TimeGenerated) by CallerIPAddress\n| join kind=leftanti (AzureDiagnostics | where ResourceProvider == \"MICROSOFT.COGNITIVESERVICES\" | where TimeGenerated <= ago(1h) | distinct CallerIPAddress) on CallerIPAddress",
                Frequency = TimeSpan.FromHours(1), Window = TimeSpan.FromHours(1), QueryTimeRange = TimeSpan.FromDays(2),
                Threshold = 0, Operator = "GreaterThan", TimeAggregation = "Count",
                RequiredColumns = new[] { "ResourceProvider", "CallerIPAddress", "TimeGenerated", "_ResourceId" },
            },
        };

        public static AoaiDetectionQuery? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

        private static readonly Regex TableStage = new Regex(@"\b(AzureDiagnostics|AzureActivity)\b(?=\s*\|)", RegexOptions.CultureInvariant);

        /// <summary>
        /// The query narrowed to one account: right after every table reference (subqueries included), a filter on
        /// <c>_ResourceId</c> (the account, or its children: deployments, policies).
        /// </summary>
        public static string ForAccount(AoaiDetectionQuery detection, string accountId)
        {
            var id = accountId.ToLowerInvariant().Replace("\"", string.Empty);
            return TableStage.Replace(detection.Query, m => $"{m.Value}\n| where _ResourceId =~ \"{id}\" or _ResourceId startswith \"{id}/\"");
        }

        /// <summary>Whitespace-insensitive comparison of queries (portals re-indent them).</summary>
        public static string Normalize(string? query) => Regex.Replace(query ?? string.Empty, @"\s+", " ").Trim();

        /// <summary>The detection whose query this is (workspace-wide or narrowed to the account), or null.</summary>
        public static AoaiDetectionQuery? Recognize(string? query, string accountId)
        {
            var normalized = Normalize(query);
            if (normalized.Length == 0) return null;
            return All.FirstOrDefault(d => string.Equals(Normalize(d.Query), normalized, StringComparison.Ordinal)
                || string.Equals(Normalize(ForAccount(d, accountId)), normalized, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The alert rule name for an account and a detection: deterministic, so a re-run finds the rule it made.</summary>
        /// <remarks>The name carries a short hash of the account id: two accounts of the same name (other resource groups) whose rules share a resource group do not collide.</remarks>
        public static string RuleName(string accountId, string accountName, AoaiDetectionQuery detection)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(accountId.ToLowerInvariant()));
            var suffix = string.Concat(hash.Take(4).Select(b => b.ToString("x2")));
            return $"aoai-{accountName}-{detection.Name}-{suffix}";
        }
    }
}
