using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The REST knowledge of monitoring (arm-api.md §4.1, §4.2 and DefenderForAISettings): an account's diagnostic
    /// settings, scheduled query (log alert) rules and its Defender for AI setting. Bodies are returned as received, so a
    /// PUT can round-trip them. One instance per scan: the scheduled query rules of a subscription are listed once.
    /// </summary>
    internal sealed class MonitoringService
    {
        public const string DefenderSettingName = "Default";

        private readonly ArmClient _arm;
        private readonly OnceCache<IReadOnlyList<JsonObject>> _rulesBySubscription = new OnceCache<IReadOnlyList<JsonObject>>();

        public MonitoringService(ArmClient arm) => _arm = arm;

        // ------------------------------------------------------------------ diagnostic settings
        public static string DiagnosticSettingPath(string resourceId, string name) => $"{resourceId}/providers/Microsoft.Insights/diagnosticSettings/{name}";

        /// <summary>The resource's diagnostic settings: one request (the list is a single page).</summary>
        public IReadOnlyList<JsonObject> ListDiagnosticSettings(string resourceId, ArmCallOptions call) =>
            _arm.List(resourceId + "/providers/Microsoft.Insights/diagnosticSettings", ApiVersions.DiagnosticSettings, call).ToList();

        public JsonObject? GetDiagnosticSetting(string resourceId, string name, ArmCallOptions call) =>
            _arm.GetOrNull(DiagnosticSettingPath(resourceId, name), ApiVersions.DiagnosticSettings, call);

        /// <summary>Create or replace (synchronous, 200).</summary>
        public JsonObject PutDiagnosticSetting(string resourceId, string name, JsonObject body, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Put, DiagnosticSettingPath(resourceId, name), ApiVersions.DiagnosticSettings, body, call)
            ?? _arm.Get(DiagnosticSettingPath(resourceId, name), ApiVersions.DiagnosticSettings, call)!;

        // ------------------------------------------------------------------ scheduled query rules
        public static string AlertRulePath(string subscriptionId, string resourceGroupName, string name) =>
            $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights/scheduledQueryRules/{name}";

        public JsonObject? GetAlertRule(string path, ArmCallOptions call) => _arm.GetOrNull(path, ApiVersions.ScheduledQueryRules, call);

        /// <summary>Create or replace (synchronous, 200/201).</summary>
        public JsonObject PutAlertRule(string path, JsonObject body, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Put, path, ApiVersions.ScheduledQueryRules, body, call)
            ?? _arm.Get(path, ApiVersions.ScheduledQueryRules, call)!;

        /// <summary>Every scheduled query rule of the subscription, listed once per instance (a scan shares one instance).</summary>
        public IReadOnlyList<JsonObject> ListAlertRules(string subscriptionId, ArmCallOptions call) =>
            _rulesBySubscription.Get(subscriptionId, () =>
                _arm.List($"/subscriptions/{subscriptionId}/providers/Microsoft.Insights/scheduledQueryRules", ApiVersions.ScheduledQueryRules, call).ToList());

        // ------------------------------------------------------------------ Defender for AI
        public static string DefenderPath(AccountId account) => $"{account.Id}/defenderForAISettings/{DefenderSettingName}";

        /// <summary>The account's Defender for AI setting, or null when it has none (404).</summary>
        public JsonObject? GetDefender(AccountId account, ArmCallOptions call) =>
            _arm.GetOrNull(DefenderPath(account), ApiVersions.CognitiveServices, call);

        public JsonObject PutDefender(AccountId account, JsonObject body, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Put, DefenderPath(account), ApiVersions.CognitiveServices, body, call)
            ?? _arm.Get(DefenderPath(account), ApiVersions.CognitiveServices, call)!;

        public JsonObject PatchDefender(AccountId account, JsonObject body, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Patch, DefenderPath(account), ApiVersions.CognitiveServices, body, call)
            ?? _arm.Get(DefenderPath(account), ApiVersions.CognitiveServices, call)!;
    }
}
