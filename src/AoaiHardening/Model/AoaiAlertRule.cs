using System;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Model
{
    /// <summary>A log alert (Microsoft.Insights/scheduledQueryRules) made by New-AoaiAlertRule from one of the guide's detections for one account.</summary>
    public sealed class AoaiAlertRule
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string ResourceGroupName { get; private set; } = string.Empty;
        public string Detection { get; private set; } = string.Empty;
        public string AccountName { get; private set; } = string.Empty;
        /// <summary>The account's resource id (binds to the account cmdlets' -ResourceId).</summary>
        public string AccountId { get; private set; } = string.Empty;
        public int? Severity { get; private set; }
        public bool Enabled { get; private set; }
        /// <summary>What the rule queries: the Log Analytics workspace.</summary>
        public string[] Scopes { get; private set; } = Array.Empty<string>();
        public string[] ActionGroups { get; private set; } = Array.Empty<string>();
        public string? EvaluationFrequency { get; private set; }
        public string? WindowSize { get; private set; }
        public string? Query { get; private set; }

        internal JsonObject Resource { get; private set; } = new JsonObject();

        public override string ToString() => Id;

        internal static AoaiAlertRule FromJson(JsonObject json, AccountId account, string detection)
        {
            var properties = json["properties"] as JsonObject;
            var id = Json.Str(json["id"]) ?? string.Empty;
            var parsed = string.IsNullOrEmpty(id) ? null : Azure.Core.ResourceIdentifier.TryParse(id, out var rid) ? rid : null;
            return new AoaiAlertRule
            {
                Id = id,
                Name = Json.Str(json["name"]) ?? string.Empty,
                ResourceGroupName = parsed?.ResourceGroupName ?? account.ResourceGroupName,
                Detection = detection,
                AccountName = account.Name,
                AccountId = account.Id,
                Severity = properties?["severity"] is JsonValue v && v.TryGetValue(out int s) ? s : (int?)null,
                Enabled = Json.Bool(properties?["enabled"]) ?? false,
                Scopes = Json.Strings(properties?["scopes"]),
                ActionGroups = Json.Strings((properties?["actions"] as JsonObject)?["actionGroups"]),
                EvaluationFrequency = Json.Str(properties?["evaluationFrequency"]),
                WindowSize = Json.Str(properties?["windowSize"]),
                Query = Json.Objects(((properties?["criteria"] as JsonObject)?["allOf"])).Select(c => Json.Str(c["query"])).FirstOrDefault(),
                Resource = json,
            };
        }
    }
}
