using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// AOAI-MON-001..003 (rules.md, "Monitoring"): diagnostic settings, detection alerts and Defender for AI. The same
    /// conditions live and offline; live, the reads are one list of the account's diagnostic settings, one list of
    /// scheduled query rules per subscription per scan (shared by every account), and one GET of the Defender setting.
    /// </summary>
    internal static class MonitoringRules
    {
        public const string DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings";
        public const string AlertRulesType = "Microsoft.Insights/scheduledQueryRules";
        public const string DefenderType = "Microsoft.CognitiveServices/accounts/defenderForAISettings";

        private const string LogsExpected = "a diagnostic setting with a destination that enables Audit and RequestResponse (or the allLogs category group)";

        /// <summary>AOAI-MON-001: some diagnostic setting sends (Audit and RequestResponse) or allLogs to a destination.</summary>
        public static IEnumerable<RuleOutcome> EvaluateDiagnostics(RuleContext c)
        {
            var settings = c.Related(DiagnosticSettingsType);
            if (settings == null)
                return One(RuleOutcome.NotEvaluated($"The input holds no diagnostic settings ({DiagnosticSettingsType}): export them with the account, or evaluate live."));
            if (settings.Count == 0)
                return One(RuleOutcome.Fail("The account has no diagnostic setting: its audit and request logs are not collected.", "no diagnostic settings", LogsExpected));
            var good = settings.FirstOrDefault(s => DiagnosticSettings.CollectsAuditAndRequestLogs(Properties(s)));
            var actual = string.Join("; ", settings.Select(Describe));
            return One(good != null
                ? RuleOutcome.Pass($"Diagnostic setting '{NameOf(good)}' sends audit and request logs to {string.Join(", ", DiagnosticSettings.Destinations(Properties(good)))}.", actual, LogsExpected)
                : RuleOutcome.Fail("No diagnostic setting sends both Audit and RequestResponse logs (or allLogs) to a destination.", actual, LogsExpected));
        }

        /// <summary>
        /// AOAI-MON-002: an enabled scheduled query rule whose scopes include the account or a workspace its diagnostic
        /// settings send to, and whose query is one of the module's detections (workspace-wide, or narrowed to this account).
        /// </summary>
        public static IEnumerable<RuleOutcome> EvaluateAlerts(RuleContext c)
        {
            var rules = c.Related(AlertRulesType);
            if (rules == null)
                return One(RuleOutcome.NotEvaluated($"The input holds no scheduled query rules ({AlertRulesType}): export them with the account, or evaluate live."));
            var workspaces = (c.Related(DiagnosticSettingsType) ?? Array.Empty<InputResource>())
                .Select(s => Json.StringOnly(DiagnosticSettings.Member(Properties(s), "workspaceId")))
                .Where(w => !string.IsNullOrEmpty(w)).Select(w => w!).ToList();
            var found = new List<string>();
            foreach (var rule in rules)
            {
                var properties = Properties(rule);
                if (Json.Bool(DiagnosticSettings.Member(properties, "enabled")) != true) continue;
                var scopes = Json.Strings(DiagnosticSettings.Member(properties, "scopes"));
                if (!scopes.Any(s => ArmScope.SameScope(s, c.Account.Id) || workspaces.Any(w => ArmScope.SameScope(s, w)))) continue;
                foreach (var criterion in Json.Objects(DiagnosticSettings.Member(DiagnosticSettings.Member(properties, "criteria") as JsonObject, "allOf")))
                {
                    var detection = Detections.Recognize(Json.Str(DiagnosticSettings.Member(criterion, "query")), c.Account.Id);
                    if (detection != null) found.Add($"{NameOf(rule)} ({detection.Name})");
                }
            }
            const string Expected = "an enabled scheduled query rule on the account or its workspace running one of the module's detections";
            return One(found.Count > 0
                ? RuleOutcome.Pass($"Detection alerts are in place: {string.Join(", ", found)}.", string.Join(", ", found), Expected)
                : RuleOutcome.Fail("No enabled alert rule runs one of the module's detections on the account or its log workspace.",
                    workspaces.Count == 0 ? "no detection alert rules (and no workspace in the diagnostic settings)" : $"no detection alert rules on {string.Join(", ", workspaces)}", Expected));
        }

        /// <summary>AOAI-MON-003: defenderForAISettings/Default exists with state Enabled.</summary>
        public static IEnumerable<RuleOutcome> EvaluateDefender(RuleContext c)
        {
            var settings = c.Related(DefenderType);
            if (settings == null)
                return One(RuleOutcome.NotEvaluated($"The input holds no Defender for AI settings ({DefenderType}): export them with the account, or evaluate live."));
            var setting = settings.FirstOrDefault(s => Json.EqualsIgnoreCase(ResourceIds.LastSegment(s.Name.Length > 0 ? s.Name : s.Id), MonitoringService.DefenderSettingName));
            const string Expected = "defenderForAISettings/Default state=Enabled";
            if (setting == null) return One(RuleOutcome.Fail("Defender for AI is not enabled (the account has no defenderForAISettings/Default).", "defenderForAISettings/Default absent", Expected));
            var state = new AccountFacts(setting.Json).String("properties.state") ?? "(none)";
            return One(Json.EqualsIgnoreCase(state, "Enabled")
                ? RuleOutcome.Pass("Defender for AI is enabled.", $"state={state}", Expected)
                : RuleOutcome.Fail($"Defender for AI is not enabled (state {state}).", $"state={state}", Expected));
        }

        private static IEnumerable<RuleOutcome> One(RuleOutcome outcome) => new[] { outcome };

        private static JsonObject? Properties(InputResource resource) => new AccountFacts(resource.Json).Node("properties") as JsonObject;

        private static string NameOf(InputResource resource) => ResourceIds.LastSegment(resource.Name.Length > 0 ? resource.Name : resource.Id);

        private static string Describe(InputResource setting)
        {
            var p = Properties(setting);
            var logs = DiagnosticSettings.EnabledCategories(p).Concat(DiagnosticSettings.EnabledGroups(p).Select(g => g + " (group)")).ToArray();
            var destinations = DiagnosticSettings.Destinations(p);
            return $"{NameOf(setting)}: logs {(logs.Length == 0 ? "(none)" : string.Join(", ", logs))}; destinations {(destinations.Length == 0 ? "(none)" : string.Join(", ", destinations))}";
        }

        // ------------------------------------------------------------------ live readers

        /// <summary>Live: the account's diagnostic settings (one request; none is an empty list).</summary>
        public static IReadOnlyList<InputResource> ReadDiagnosticSettings(MonitoringService service, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "diagnostic settings", DiagnosticSettingsType, () => service.ListDiagnosticSettings(account.Id, call));

        /// <summary>Live: the scheduled query rules of the account's subscription (listed once per subscription per scan).</summary>
        public static IReadOnlyList<InputResource> ReadAlertRules(MonitoringService service, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "scheduled query rules of the subscription", AlertRulesType, () => service.ListAlertRules(AccountId.Parse(account.Id).SubscriptionId, call));

        /// <summary>Live: the Defender for AI setting (one GET of Default; absent is an empty list).</summary>
        public static IReadOnlyList<InputResource> ReadDefender(MonitoringService service, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "Defender for AI setting", DefenderType, () =>
            {
                var setting = service.GetDefender(AccountId.Parse(account.Id), call);
                return setting == null ? Array.Empty<JsonObject>() : new[] { setting };
            });

        private static IReadOnlyList<InputResource> Read(AoaiAccount account, string what, string type, Func<IEnumerable<JsonObject>> list)
        {
            try
            {
                return list()
                    .Select(json => new InputResource(Json.Str(json["id"]) ?? string.Empty, type, ResourceIds.LastSegment(Json.Str(json["name"]) ?? Json.Str(json["id"]) ?? string.Empty), json, null))
                    .ToList();
            }
            catch (ArmRequestException ex)
            {
                throw new RelatedReadException($"reading the {what} of '{account.Name}' failed ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
            }
        }
    }
}
