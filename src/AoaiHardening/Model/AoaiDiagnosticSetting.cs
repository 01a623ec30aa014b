using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Services;

namespace AoaiHardening.Model
{
    /// <summary>A diagnostic setting of an account: where its logs go, which categories are enabled, and whether it satisfies AOAI-MON-001.</summary>
    public sealed class AoaiDiagnosticSetting
    {
        public string Id { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string AccountName { get; private set; } = string.Empty;
        /// <summary>The account's resource id (binds to the account cmdlets' -ResourceId).</summary>
        public string AccountId { get; private set; } = string.Empty;
        public string ResourceGroupName { get; private set; } = string.Empty;
        public string? WorkspaceId { get; private set; }
        public string? StorageAccountId { get; private set; }
        public string? EventHubAuthorizationRuleId { get; private set; }
        public string? EventHubName { get; private set; }
        /// <summary>Every destination the setting sends to (workspace, storage, event hub, partner).</summary>
        public string[] Destinations { get; private set; } = System.Array.Empty<string>();
        /// <summary>Enabled log categories (Audit, RequestResponse, Trace, AzureOpenAIRequestUsage).</summary>
        public string[] Categories { get; private set; } = System.Array.Empty<string>();
        /// <summary>Enabled category groups (allLogs, audit).</summary>
        public string[] CategoryGroups { get; private set; } = System.Array.Empty<string>();
        /// <summary>Enabled metric categories (AllMetrics).</summary>
        public string[] Metrics { get; private set; } = System.Array.Empty<string>();
        /// <summary>True when the setting alone satisfies AOAI-MON-001: Audit and RequestResponse (or allLogs) with a destination.</summary>
        public bool CollectsAuditAndRequestLogs { get; private set; }

        internal JsonObject Resource { get; private set; } = new JsonObject();

        public override string ToString() => Id;

        internal static AoaiDiagnosticSetting FromJson(JsonObject json, AccountId account)
        {
            var properties = json["properties"] as JsonObject;
            var name = AoaiContentBlocklist.LeafName(json);
            return new AoaiDiagnosticSetting
            {
                Id = Json.Str(json["id"]) ?? MonitoringService.DiagnosticSettingPath(account.Id, name),
                Name = name,
                AccountName = account.Name,
                AccountId = account.Id,
                ResourceGroupName = account.ResourceGroupName,
                WorkspaceId = Json.StringOnly(DiagnosticSettings.Member(properties, "workspaceId")),
                StorageAccountId = Json.StringOnly(DiagnosticSettings.Member(properties, "storageAccountId")),
                EventHubAuthorizationRuleId = Json.StringOnly(DiagnosticSettings.Member(properties, "eventHubAuthorizationRuleId")),
                EventHubName = Json.StringOnly(DiagnosticSettings.Member(properties, "eventHubName")),
                Destinations = DiagnosticSettings.Destinations(properties),
                Categories = DiagnosticSettings.EnabledCategories(properties),
                CategoryGroups = DiagnosticSettings.EnabledGroups(properties),
                Metrics = DiagnosticSettings.EnabledMetrics(properties),
                CollectsAuditAndRequestLogs = DiagnosticSettings.CollectsAuditAndRequestLogs(properties),
                Resource = json,
            };
        }
    }
}
