using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Xml;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>
    /// The scheduledQueryRules body New-AoaiAlertRule writes for a detection and an account, and the comparison that
    /// makes a re-run write nothing: only the fields set here are compared, and values the service adds are tolerated.
    /// </summary>
    internal static class AlertRules
    {
        public static string Iso(TimeSpan span) => XmlConvert.ToString(span);

        /// <summary>The properties New-AoaiAlertRule sets (merged into an existing rule's properties; others are kept).</summary>
        public static JsonObject DesiredProperties(AoaiDetectionQuery detection, AccountId account, string workspaceId, string[] actionGroups)
        {
            var criterion = new JsonObject
            {
                ["query"] = Detections.ForAccount(detection, account.Id),
                ["timeAggregation"] = detection.TimeAggregation,
            };
            if (detection.MeasureColumn != null) criterion["metricMeasureColumn"] = detection.MeasureColumn;
            if (detection.Dimensions.Length > 0)
                criterion["dimensions"] = new JsonArray(detection.Dimensions.Select(d => (JsonNode)new JsonObject
                {
                    ["name"] = d, ["operator"] = "Include", ["values"] = new JsonArray("*"),
                }).ToArray());
            criterion["operator"] = detection.Operator;
            criterion["threshold"] = detection.Threshold;
            criterion["failingPeriods"] = new JsonObject { ["numberOfEvaluationPeriods"] = 1, ["minFailingPeriodsToAlert"] = 1 };

            var properties = new JsonObject
            {
                ["displayName"] = $"AOAI {detection.Name} ({account.Name})",
                ["description"] = $"{detection.Description} Account: {account.Id}. Made by AoaiHardening (New-AoaiAlertRule).",
                ["severity"] = detection.Severity,
                ["enabled"] = true,
                ["scopes"] = new JsonArray(workspaceId),
                ["evaluationFrequency"] = Iso(detection.Frequency),
                ["windowSize"] = Iso(detection.Window),
            };
            if (detection.QueryTimeRange != null) properties["overrideQueryTimeRange"] = Iso(detection.QueryTimeRange.Value);
            properties["criteria"] = new JsonObject { ["allOf"] = new JsonArray(criterion) };
            properties["actions"] = new JsonObject { ["actionGroups"] = new JsonArray(actionGroups.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()) };
            properties["autoMitigate"] = false;
            return properties;
        }

        /// <summary>
        /// True when every field of <paramref name="desired"/> is in <paramref name="actual"/> with the same value:
        /// strings case-insensitively (ids), numbers by value, ISO durations by span; extra fields in actual are ignored.
        /// </summary>
        public static bool Contains(JsonNode? actual, JsonNode? desired)
        {
            switch (desired)
            {
                case null:
                    return actual == null;
                case JsonObject want:
                    if (!(actual is JsonObject have)) return false;
                    foreach (var field in want)
                    {
                        var match = have.TryGetPropertyValue(field.Key, out var value) ? value : have.FirstOrDefault(p => Json.EqualsIgnoreCase(p.Key, field.Key)).Value;
                        if (!Contains(match, field.Value)) return false;
                    }
                    return true;
                case JsonArray wantArray:
                    if (!(actual is JsonArray haveArray) || haveArray.Count != wantArray.Count) return false;
                    for (var i = 0; i < wantArray.Count; i++)
                        if (!Contains(haveArray[i], wantArray[i])) return false;
                    return true;
                default:
                    if (!(actual is JsonValue a) || !(desired is JsonValue d)) return false;
                    if (d.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False) return Json.Bool(a) == (d.GetValueKind() == System.Text.Json.JsonValueKind.True);
                    if (d.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                        return double.TryParse(d.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var dn)
                            && double.TryParse(Json.Str(a), NumberStyles.Float, CultureInfo.InvariantCulture, out var an) && an == dn;
                    var ds = Json.Str(d);
                    var @as = Json.Str(a);
                    if (string.Equals(ds, @as, StringComparison.OrdinalIgnoreCase)) return true;
                    return ds != null && @as != null && ds.StartsWith("P", StringComparison.Ordinal) && TrySpan(ds, out var x) && TrySpan(@as, out var y) && x == y;
            }
        }

        private static bool TrySpan(string text, out TimeSpan span)
        {
            try
            {
                span = XmlConvert.ToTimeSpan(text);
                return true;
            }
            catch (FormatException)
            {
                span = default;
                return false;
            }
        }
    }
}
