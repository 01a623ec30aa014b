using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>AOAI-MON-001..003: each exact condition Pass/Fail, NotEvaluated without the related type, and the offline joins.</summary>
    public sealed class MonitoringRuleTests
    {
        private const string Workspace = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t/providers/Microsoft.OperationalInsights/workspaces/law";

        private static InputResource Setting(string name, string properties, string account = AccountId)
        {
            var id = $"{account}/providers/Microsoft.Insights/diagnosticSettings/{name}";
            var json = JsonNode.Parse($"{{\"id\":\"{id}\",\"name\":\"{name}\",\"type\":\"Microsoft.Insights/diagnosticSettings\",\"properties\":{properties}}}")!.AsObject();
            return new InputResource(id, MonitoringRules.DiagnosticSettingsType, name, json, null);
        }

        private static string Logs(string destination, params string[] entries) =>
            $"{{{destination}\"logs\":[{string.Join(",", entries)}]}}";

        private const string ToWorkspace = "\"workspaceId\":\"" + Workspace + "\",";
        private static string Cat(string c, bool enabled = true) => $"{{\"category\":\"{c}\",\"enabled\":{(enabled ? "true" : "false")}}}";
        private static string Group(string g, bool enabled = true) => $"{{\"categoryGroup\":\"{g}\",\"enabled\":{(enabled ? "true" : "false")}}}";

        private static InputResource Rule(string name, string query, bool enabled = true, string scope = Workspace)
        {
            var id = $"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t/providers/Microsoft.Insights/scheduledQueryRules/{name}";
            var json = new JsonObject
            {
                ["id"] = id, ["name"] = name, ["type"] = "Microsoft.Insights/scheduledQueryRules", ["location"] = "eastus",
                ["properties"] = new JsonObject
                {
                    ["enabled"] = enabled, ["scopes"] = new JsonArray(scope), ["severity"] = 2,
                    ["criteria"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["query"] = query }) },
                },
            };
            return new InputResource(id, MonitoringRules.AlertRulesType, name, json, null);
        }

        private static InputResource Defender(string? state, string name = "Default")
        {
            var id = $"{AccountId}/defenderForAISettings/{name}";
            var properties = new JsonObject();
            if (state != null) properties["state"] = state;
            return new InputResource(id, MonitoringRules.DefenderType, name, new JsonObject { ["id"] = id, ["name"] = name, ["properties"] = properties }, null);
        }

        private static AoaiFindingStatus Status(string rule, params InputResource[] related) => One(Account(), rule, related: related).Status;

        // ------------------------------------------------------------------ MON-001

        [Fact]
        public void Mon001_passes_with_audit_and_requestresponse_or_alllogs_and_a_destination()
        {
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Cat("Audit"), Cat("RequestResponse")))));
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Group("allLogs")))));
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Group("audit"), Cat("RequestResponse")))));
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-001", Setting("a", Logs("\"storageAccountId\":\"/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s\",", Group("allLogs")))));
            // One good setting among others is enough.
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-001", Setting("weak", Logs(ToWorkspace, Cat("Trace"))), Setting("good", Logs(ToWorkspace, Group("allLogs")))));
        }

        [Fact]
        public void Mon001_fails_without_settings_a_destination_or_either_category()
        {
            var account = Account();
            var none = Evaluate(account, "AOAI-MON-001", related: Array.Empty<InputResource>());
            Assert.Equal(AoaiFindingStatus.NotEvaluated, none.Single().Status); // the type is not in the input at all
            var empty = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict, Rules = new[] { "AOAI-MON-001" } })
                .Evaluate(new AccountInput(account, Array.Empty<InputResource>()), new HashSet<string>(StringComparer.OrdinalIgnoreCase) { MonitoringRules.DiagnosticSettingsType }).Single();
            Assert.Equal(AoaiFindingStatus.Fail, empty.Status);
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-001", Setting("a", Logs(string.Empty, Group("allLogs")))));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Cat("Audit")))));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Cat("RequestResponse"), Group("audit", enabled: false)))));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Group("allLogs", enabled: false)))));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-001", Setting("a", Logs(ToWorkspace, Cat("Audit")) ), Setting("b", Logs(ToWorkspace, Cat("RequestResponse")))));
        }

        // ------------------------------------------------------------------ MON-002

        [Fact]
        public void Mon002_passes_on_an_enabled_detection_rule_on_the_workspace_or_the_account()
        {
            var detection = Detections.Find("KeyAuthInUse")!;
            var setting = Setting("a", Logs(ToWorkspace, Group("allLogs")));
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-002", setting, Rule("r", Detections.ForAccount(detection, AccountId))));
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-002", setting, Rule("r", detection.Query)));
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-002", Rule("r", detection.Query, scope: AccountId)));
        }

        [Fact]
        public void Mon002_fails_on_disabled_foreign_or_unknown_rules()
        {
            var detection = Detections.Find("KeyAuthInUse")!;
            var setting = Setting("a", Logs(ToWorkspace, Group("allLogs")));
            Assert.Equal(AoaiFindingStatus.NotEvaluated, Status("AOAI-MON-002", setting));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-002", setting, Rule("r", detection.Query, enabled: false)));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-002", setting, Rule("r", "AzureDiagnostics | take 10")));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-002", setting, Rule("r", Detections.ForAccount(detection, AccountId.Replace("/acct", "/other")))));
            // A rule on a workspace the account does not send to.
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-002", Rule("r", detection.Query)));
        }

        // ------------------------------------------------------------------ MON-003

        [Fact]
        public void Mon003_passes_only_on_default_enabled()
        {
            Assert.Equal(AoaiFindingStatus.Pass, Status("AOAI-MON-003", Defender("Enabled")));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-003", Defender("Disabled")));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-003", Defender(null)));
            Assert.Equal(AoaiFindingStatus.Fail, Status("AOAI-MON-003", Defender("Enabled", name: "Other")));
            Assert.Equal(AoaiFindingStatus.NotEvaluated, Status("AOAI-MON-003"));
        }

        // ------------------------------------------------------------------ offline joins

        [Fact]
        public void Offline_settings_join_by_id_prefix_and_alert_rules_by_scope_or_workspace()
        {
            var account = Account();
            var other = Account(id: AccountId.Replace("/acct", "/other"));
            var setting = Setting("a", Logs(ToWorkspace, Group("allLogs")));
            var onWorkspace = Rule("on-ws", Detections.Find("FirstSeenIp")!.Query);
            var onOther = Rule("on-other", "AzureDiagnostics | take 1", scope: other.Id);
            var defender = Defender("Enabled");
            var joined = InputJoiner.Join(new[] { onWorkspace, onOther, account, other, setting, defender }).ToList();
            var mine = joined.Single(a => a.Account.Id == account.Id).Related;
            Assert.Contains(setting, mine);
            Assert.Contains(onWorkspace, mine);
            Assert.Contains(defender, mine);
            Assert.DoesNotContain(onOther, mine);
            var theirs = joined.Single(a => a.Account.Id == other.Id).Related;
            Assert.Equal(new[] { onOther }, theirs);
        }

        [Fact]
        public void Fixes_take_the_workspace_and_action_group_from_repair()
        {
            var finding = new AoaiFinding { RuleId = "AOAI-MON-002", ResourceId = AccountId, ResourceName = "acct" };
            var fix = RuleCatalog.Find("AOAI-MON-002")!.Fix!;
            var (_, missing) = fix.Bind(finding, RepairInputs.None);
            Assert.Equal(new[] { "-WorkspaceResourceId", "-ActionGroupResourceId" }, missing);
            var (parameters, none) = fix.Bind(finding, new RepairInputs { WorkspaceResourceId = Workspace, ActionGroupResourceId = "ag" });
            Assert.Empty(none);
            Assert.Equal(Workspace, parameters["WorkspaceResourceId"]);
            Assert.Equal("Set-AoaiDiagnosticSetting", RuleCatalog.Find("AOAI-MON-001")!.Fix!.Command);
            Assert.Equal("Enable-AoaiDefenderForAI", RuleCatalog.Find("AOAI-MON-003")!.Fix!.Command);
        }

        // ------------------------------------------------------------------ the edit Set-AoaiDiagnosticSetting makes

        [Fact]
        public void Apply_never_adds_retention_and_keeps_what_it_does_not_touch()
        {
            var properties = JsonNode.Parse("{\"storageAccountId\":\"s\",\"unknown\":1,\"logs\":[{\"category\":\"Trace\",\"enabled\":true,\"retentionPolicy\":{\"enabled\":true,\"days\":30}},{\"category\":\"Audit\",\"enabled\":false,\"retentionPolicy\":{\"enabled\":false,\"days\":0}}]}")!.AsObject();
            DiagnosticSettings.Apply(properties, new Dictionary<string, string> { ["workspaceId"] = Workspace }, new[] { "Audit", "RequestResponse" }, null, metrics: false);
            Assert.Equal("s", (string?)properties["storageAccountId"]);
            Assert.Equal(1, (int)properties["unknown"]!);
            var logs = properties["logs"]!.AsArray().Select(e => e!.AsObject()).ToList();
            Assert.NotNull(logs.Single(e => (string?)e["category"] == "Trace")["retentionPolicy"]); // untouched
            Assert.Null(logs.Single(e => (string?)e["category"] == "Audit")["retentionPolicy"]);  // rewritten
            Assert.True((bool)logs.Single(e => (string?)e["category"] == "Audit")["enabled"]!);
            Assert.Null(logs.Single(e => (string?)e["category"] == "RequestResponse")["retentionPolicy"]);
            Assert.True(DiagnosticSettings.CollectsAuditAndRequestLogs(properties));

            var grouped = JsonNode.Parse("{\"logs\":[{\"category\":\"Audit\",\"enabled\":true}]}")!.AsObject();
            DiagnosticSettings.Apply(grouped, new Dictionary<string, string> { ["workspaceId"] = Workspace }, null, "allLogs", metrics: true);
            Assert.Equal("[{\"categoryGroup\":\"allLogs\",\"enabled\":true}]", grouped["logs"]!.ToJsonString());
            Assert.Equal("[{\"category\":\"AllMetrics\",\"enabled\":true}]", grouped["metrics"]!.ToJsonString());
        }
    }
}
