using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>
    /// Creates or updates an account's diagnostic setting so that its logs reach a Log Analytics workspace (and/or a
    /// storage account, an event hub): a PUT round-trip of the setting as it is (unknown fields and other entries kept),
    /// never the deprecated retentionPolicy, and no write when the setting already sends those categories there.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AoaiDiagnosticSetting", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiDiagnosticSetting))]
    public sealed class SetAoaiDiagnosticSetting : AccountChildCmdlet
    {
        public const string DefaultName = "aoai-hardening";

        /// <summary>The setting's name. Without it: the account's setting that already sends to the workspace (or storage, event hub) given, else "aoai-hardening".</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkspaceResourceId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StorageAccountResourceId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EventHubAuthorizationRuleId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EventHubName { get; set; }

        [Parameter]
        [ValidateSet("Audit", "RequestResponse", "Trace", "AzureOpenAIRequestUsage", IgnoreCase = true)]
        public string[]? Category { get; set; }

        [Parameter]
        [ValidateSet(DiagnosticSettings.AllLogs, DiagnosticSettings.AuditGroup, IgnoreCase = true)]
        public string? CategoryGroup { get; set; }

        [Parameter]
        public SwitchParameter IncludeMetrics { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly Dictionary<string, string> _destinations = new Dictionary<string, string>(StringComparer.Ordinal);
        private string? _group;
        private string[]? _categories;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Category != null && CategoryGroup != null)
                MonitoringErrors.Refuse(this, "-Category and -CategoryGroup cannot be combined (a setting collects either categories or category groups).", "CategoryConflict", null);
            if (WorkspaceResourceId == null && StorageAccountResourceId == null && EventHubAuthorizationRuleId == null)
                MonitoringErrors.Refuse(this, "name at least one destination: -WorkspaceResourceId, -StorageAccountResourceId or -EventHubAuthorizationRuleId.", "NoDestination", null);
            if (EventHubName != null && EventHubAuthorizationRuleId == null)
                MonitoringErrors.Refuse(this, "-EventHubName needs -EventHubAuthorizationRuleId.", "EventHubNameWithoutRule", EventHubName);
            if (Name != null) ValidateOrThrow(() => MonitoringIds.ValidateSettingName(Name), MonitoringErrors.Area + "InvalidSettingName", Name);
            if (WorkspaceResourceId != null) _destinations["workspaceId"] = ValidateOrThrow(() => MonitoringIds.Workspace(WorkspaceResourceId), MonitoringErrors.Area + "InvalidWorkspaceId", WorkspaceResourceId);
            if (StorageAccountResourceId != null) _destinations["storageAccountId"] = ValidateOrThrow(() => MonitoringIds.StorageAccount(StorageAccountResourceId), MonitoringErrors.Area + "InvalidStorageAccountId", StorageAccountResourceId);
            if (EventHubAuthorizationRuleId != null) _destinations["eventHubAuthorizationRuleId"] = ValidateOrThrow(() => MonitoringIds.EventHubRule(EventHubAuthorizationRuleId), MonitoringErrors.Area + "InvalidEventHubRuleId", EventHubAuthorizationRuleId);
            if (EventHubName != null) _destinations["eventHubName"] = ValidateOrThrow(() => { MonitoringIds.ValidateEventHubName(EventHubName); return EventHubName; }, MonitoringErrors.Area + "InvalidEventHubName", EventHubName);
            // ValidateSet is case-insensitive: send the documented spelling.
            _categories = Category?.Select(c => DiagnosticSettings.Categories.First(k => Json.EqualsIgnoreCase(k, c))).Distinct().ToArray();
            _group = Category != null ? null : CategoryGroup == null ? DiagnosticSettings.AllLogs : DiagnosticSettings.CategoryGroups.First(g => Json.EqualsIgnoreCase(g, CategoryGroup));
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            var service = new MonitoringService(Arm);
            try
            {
                IReadOnlyList<JsonObject> settings;
                try
                {
                    settings = service.ListDiagnosticSettings(account.Id, Call);
                }
                catch (ArmRequestException ex)
                {
                    WriteError(MonitoringErrors.Arm(this, ex, account, "reading the diagnostic settings", "DiagnosticSettingReadFailed", account.Id));
                    return;
                }

                var current = Choose(settings);
                var name = current != null ? AoaiContentBlocklist.LeafName(current) : Name ?? DefaultName;
                var edited = current == null ? new JsonObject { ["properties"] = new JsonObject() } : (JsonObject)current.DeepClone();
                foreach (var field in new[] { "id", "name", "type", "systemData", "etag" }) edited.Remove(field);
                if (!(edited["properties"] is JsonObject properties)) edited["properties"] = properties = new JsonObject();
                DiagnosticSettings.Apply(properties, _destinations, _categories, _group, IncludeMetrics);

                if (current != null && JsonNode.DeepEquals(current["properties"], properties))
                {
                    WriteVerbose($"{account.Name}: diagnostic setting '{name}' already sends {Describe()} to {string.Join(", ", _destinations.Values)} (nothing to do).");
                    if (PassThru) WriteObject(AoaiDiagnosticSetting.FromJson(current, account));
                    return;
                }

                var action = $"{(current == null ? "Create" : "Update")} diagnostic setting '{name}' ({Describe()} to {string.Join(", ", _destinations.Values)})";
                if (!ShouldProcess($"{account.Name} ({account.Id})", action)) return;
                JsonObject stored;
                try
                {
                    stored = service.PutDiagnosticSetting(account.Id, name, edited, Call);
                }
                catch (ArmRequestException ex)
                {
                    WriteError(MonitoringErrors.Arm(this, ex, account, $"{(current == null ? "creating" : "updating")} diagnostic setting '{name}'",
                        "DiagnosticSettingUpdateFailed", MonitoringService.DiagnosticSettingPath(account.Id, name)));
                    return;
                }
                WriteVerbose($"{account.Name}: {action}: done.");
                if (PassThru) WriteObject(AoaiDiagnosticSetting.FromJson(stored, account));
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }

        /// <summary>The setting to edit: the named one; without -Name, one that already sends to a destination given (ARM refuses a second setting sending the same category to the same place).</summary>
        private JsonObject? Choose(IReadOnlyList<JsonObject> settings)
        {
            if (Name != null) return settings.FirstOrDefault(s => Json.EqualsIgnoreCase(AoaiContentBlocklist.LeafName(s), Name));
            var own = settings.FirstOrDefault(s => Json.EqualsIgnoreCase(AoaiContentBlocklist.LeafName(s), DefaultName));
            if (own != null) return own;
            return settings.FirstOrDefault(s => DiagnosticSettings.Destinations(s["properties"] as JsonObject)
                .Any(d => _destinations.Values.Any(given => Json.EqualsIgnoreCase(given, d))));
        }

        private string Describe() =>
            (_group != null ? $"category group {_group}" : $"categories {string.Join(", ", _categories!)}") + (IncludeMetrics ? " and AllMetrics" : string.Empty);
    }
}
