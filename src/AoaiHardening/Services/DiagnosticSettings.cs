using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// What a diagnostic setting collects and where it sends it (arm-api.md §4.1), and the edit Set-AoaiDiagnosticSetting
    /// makes: shared by the cmdlets and AOAI-MON-001 so that "collects audit and request logs" means one thing.
    /// </summary>
    internal static class DiagnosticSettings
    {
        public const string Audit = "Audit";
        public const string RequestResponse = "RequestResponse";
        public const string AllLogs = "allLogs";
        public const string AuditGroup = "audit";
        public const string AllMetrics = "AllMetrics";
        public static readonly string[] Categories = { Audit, RequestResponse, "Trace", "AzureOpenAIRequestUsage" };
        public static readonly string[] CategoryGroups = { AllLogs, AuditGroup };

        /// <summary>Destination properties, in the order they are reported.</summary>
        public static readonly string[] DestinationFields = { "workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId" };

        public static string[] Destinations(JsonObject? properties) =>
            DestinationFields.Select(f => Json.StringOnly(Member(properties, f))).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray();

        /// <summary>Enabled log categories (entries with <c>category</c>).</summary>
        public static string[] EnabledCategories(JsonObject? properties) => Enabled(properties, "logs", "category");

        /// <summary>Enabled category groups (entries with <c>categoryGroup</c>).</summary>
        public static string[] EnabledGroups(JsonObject? properties) => Enabled(properties, "logs", "categoryGroup");

        public static string[] EnabledMetrics(JsonObject? properties) => Enabled(properties, "metrics", "category");

        /// <summary>True when the category is collected: its own entry, the allLogs group, or (Audit) the audit group.</summary>
        public static bool Covers(JsonObject? properties, string category)
        {
            var groups = EnabledGroups(properties);
            if (groups.Contains(AllLogs, StringComparer.OrdinalIgnoreCase)) return true;
            if (Json.EqualsIgnoreCase(category, Audit) && groups.Contains(AuditGroup, StringComparer.OrdinalIgnoreCase)) return true;
            return EnabledCategories(properties).Contains(category, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>AOAI-MON-001's condition for one setting: (Audit and RequestResponse) or allLogs, with a destination.</summary>
        public static bool CollectsAuditAndRequestLogs(JsonObject? properties) =>
            Destinations(properties).Length > 0 && Covers(properties, Audit) && Covers(properties, RequestResponse);

        private static string[] Enabled(JsonObject? properties, string list, string key) =>
            Json.Objects(Member(properties, list))
                .Where(e => Json.Bool(Member(e, "enabled")) == true)
                .Select(e => Json.StringOnly(Member(e, key)))
                .Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray();

        internal static JsonNode? Member(JsonObject? obj, string name)
        {
            if (obj == null) return null;
            if (obj.TryGetPropertyValue(name, out var exact)) return exact;
            return obj.FirstOrDefault(p => Json.EqualsIgnoreCase(p.Key, name)).Value;
        }

        /// <summary>
        /// Edits a setting's properties in place so that it sends to the destinations given and collects the categories
        /// (or the group) asked for. Unknown fields and other entries are kept; a rewritten or added entry never carries
        /// <c>retentionPolicy</c> (deprecated: retention belongs to the workspace). Entries are never mixed: a setting of
        /// categories stays one of categories (allLogs replaces them: it is a superset), and one of groups is converted to
        /// categories when categories are asked for (the audit group becomes the Audit category).
        /// </summary>
        public static void Apply(JsonObject properties, IDictionary<string, string> destinations, string[]? categories, string? group, bool metrics)
        {
            foreach (var destination in destinations) properties[destination.Key] = destination.Value;

            var logs = Member(properties, "logs") as JsonArray;
            if (logs == null) properties["logs"] = logs = new JsonArray();
            var usesGroups = Json.Objects(logs).Any(e => Member(e, "categoryGroup") != null);
            var usesCategories = Json.Objects(logs).Any(e => Member(e, "category") != null);

            if (group != null)
            {
                var satisfied = Json.Objects(logs).Any(e => Json.EqualsIgnoreCase(Json.StringOnly(Member(e, "categoryGroup")), group) && Json.Bool(Member(e, "enabled")) == true)
                    || (Json.EqualsIgnoreCase(group, AuditGroup) && Covers(properties, Audit));
                if (!satisfied)
                {
                    if (Json.EqualsIgnoreCase(group, AllLogs))
                    {
                        // allLogs collects every category: it replaces category entries (and an audit group) outright.
                        logs.Clear();
                        logs.Add(new JsonObject { ["categoryGroup"] = AllLogs, ["enabled"] = true });
                    }
                    else if (usesCategories) Enable(logs, "category", Audit);
                    else Enable(logs, "categoryGroup", AuditGroup);
                }
            }
            else if (categories != null && categories.Any(c => !Covers(properties, c)))
            {
                if (usesGroups)
                {
                    // Convert the (disabled or audit) groups to categories: the audit group becomes the Audit category.
                    var keepAudit = Covers(properties, Audit);
                    foreach (var entry in Json.Objects(logs).Where(e => Member(e, "categoryGroup") != null).ToList()) logs.Remove(entry);
                    if (keepAudit) Enable(logs, "category", Audit);
                }
                foreach (var category in categories)
                {
                    if (!Covers(properties, category)) Enable(logs, "category", category);
                }
            }

            if (metrics)
            {
                var list = Member(properties, "metrics") as JsonArray;
                if (list == null) properties["metrics"] = list = new JsonArray();
                if (!EnabledMetrics(properties).Contains(AllMetrics, StringComparer.OrdinalIgnoreCase)) Enable(list, "category", AllMetrics);
            }
        }

        /// <summary>Enables the entry (rewritten without retentionPolicy), or adds one.</summary>
        private static void Enable(JsonArray list, string key, string value)
        {
            var entry = Json.Objects(list).FirstOrDefault(e => Json.EqualsIgnoreCase(Json.StringOnly(Member(e, key)), value));
            if (entry == null)
            {
                list.Add(new JsonObject { [key] = value, ["enabled"] = true });
                return;
            }
            foreach (var name in entry.Select(p => p.Key).Where(k => Json.EqualsIgnoreCase(k, "enabled") || Json.EqualsIgnoreCase(k, "retentionPolicy")).ToList()) entry.Remove(name);
            entry["enabled"] = true;
        }
    }
}
