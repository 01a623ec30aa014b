using System;
using System.Collections;
using System.Linq;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    public class EngineTests
    {
        [Fact]
        public void Default_baseline_runs_the_default_rules_and_strict_adds_the_strict_ones()
        {
            var @default = new HardeningEngine(new EngineOptions { Baseline = Baseline.Default }).Selected.Select(r => r.Id).ToList();
            var strict = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict }).Selected.Select(r => r.Id).ToList();
            Assert.Equal(new[] { "AOAI-NET-001", "AOAI-NET-004", "AOAI-NET-005", "AOAI-IAM-001", "AOAI-IAM-002", "AOAI-IAM-003", "AOAI-ENC-001", "AOAI-ENC-002", "AOAI-ENC-003", "AOAI-ENC-004", "AOAI-ENC-005", "AOAI-CSF-001", "AOAI-CSF-002", "AOAI-CSF-004", "AOAI-MON-001" }, @default);
            Assert.Equal(new[] { "AOAI-NET-001", "AOAI-NET-002", "AOAI-NET-003", "AOAI-NET-004", "AOAI-NET-005", "AOAI-NET-006", "AOAI-NET-007", "AOAI-IAM-001", "AOAI-IAM-002", "AOAI-IAM-003", "AOAI-IAM-004", "AOAI-ENC-001", "AOAI-ENC-002", "AOAI-ENC-003", "AOAI-ENC-004", "AOAI-ENC-005", "AOAI-CSF-001", "AOAI-CSF-002", "AOAI-CSF-003", "AOAI-CSF-004", "AOAI-CSF-005", "AOAI-MON-001", "AOAI-MON-002", "AOAI-MON-003" }, strict);
        }

        [Fact]
        public void Rule_ExcludeRule_and_MinimumSeverity_filter()
        {
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict, Rules = new[] { "AOAI-NET-*" }, ExcludeRules = new[] { "AOAI-NET-00[56]" }, MinimumSeverity = AoaiSeverity.Medium });
            Assert.Equal(new[] { "AOAI-NET-001", "AOAI-NET-002", "AOAI-NET-003", "AOAI-NET-004", "AOAI-NET-007" }, engine.Selected.Select(r => r.Id));
            var high = new HardeningEngine(new EngineOptions { MinimumSeverity = AoaiSeverity.High });
            Assert.Equal(new[] { "AOAI-NET-001", "AOAI-NET-004", "AOAI-IAM-001", "AOAI-ENC-002", "AOAI-ENC-003", "AOAI-CSF-001" }, high.Selected.Select(r => r.Id));
        }

        [Fact]
        public void A_baseline_file_extends_excludes_includes_and_overrides_severity()
        {
            var data = new Hashtable(StringComparer.OrdinalIgnoreCase)
            {
                ["Name"] = "Contoso",
                ["Extends"] = "Default",
                ["Include"] = new object[] { "AOAI-NET-002" },
                ["Exclude"] = "AOAI-ENC-*",
                ["Severity"] = new Hashtable { ["AOAI-NET-005"] = "High" },
            };
            var baseline = Baseline.FromData(data, "contoso.psd1");
            var engine = new HardeningEngine(new EngineOptions { Baseline = baseline });
            Assert.Equal(new[] { "AOAI-NET-001", "AOAI-NET-002", "AOAI-NET-004", "AOAI-NET-005", "AOAI-IAM-001", "AOAI-IAM-002", "AOAI-IAM-003", "AOAI-CSF-001", "AOAI-CSF-002", "AOAI-CSF-004", "AOAI-MON-001" }, engine.Selected.Select(r => r.Id));
            var finding = engine.Evaluate(new AoaiHardening.Rules.Input.AccountInput(Account(), Array.Empty<AoaiHardening.Rules.Input.InputResource>()), new System.Collections.Generic.HashSet<string>())
                .Single(f => f.RuleId == "AOAI-NET-005");
            Assert.Equal(AoaiSeverity.High, finding.Severity);
            Assert.Equal("Contoso", finding.Baseline);
        }

        [Theory]
        [InlineData("Extends", "Lenient")]
        [InlineData("Exclude", "AOAI-XYZ-*")]
        [InlineData("Colour", "red")]
        public void A_baseline_file_with_a_mistake_is_refused(string key, string value)
        {
            var data = new Hashtable(StringComparer.OrdinalIgnoreCase) { [key] = value };
            var ex = Assert.Throws<ArgumentException>(() => Baseline.FromData(data, "bad.json"));
            Assert.Contains("bad.json", ex.Message);
        }

        [Fact]
        public void Waivers_turn_failures_into_waived_until_they_expire()
        {
            var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
            var waivers = Waiver.FromData(new object[]
            {
                new Hashtable { ["ResourceId"] = "*/accounts/acct", ["RuleId"] = "AOAI-IAM-001", ["Reason"] = "Legacy app until Q1", ["Expires"] = "2026-11-24" },
                new Hashtable { ["ResourceId"] = "*", ["RuleId"] = "AOAI-IAM-002", ["Reason"] = "Old exception", ["Expires"] = "2026-11-23" },
            }, "waivers.psd1");
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Default, Waivers = waivers, Now = now });
            var findings = engine.Evaluate(new AoaiHardening.Rules.Input.AccountInput(Account(), Array.Empty<AoaiHardening.Rules.Input.InputResource>()), new System.Collections.Generic.HashSet<string>()).ToList();

            var waived = findings.Single(f => f.RuleId == "AOAI-IAM-001");
            Assert.Equal(AoaiFindingStatus.Waived, waived.Status);
            Assert.Equal("Legacy app until Q1", waived.WaiverReason);
            var expired = findings.Single(f => f.RuleId == "AOAI-IAM-002");
            Assert.Equal(AoaiFindingStatus.Fail, expired.Status);
            Assert.Contains("expired on 2026-11-23", expired.Message);
            Assert.Single(engine.ExpiredWaiversSeen);
            Assert.Equal(AoaiFindingStatus.Fail, findings.Single(f => f.RuleId == "AOAI-NET-001").Status);
        }

        [Theory]
        [InlineData("ResourceId")]
        [InlineData("RuleId")]
        [InlineData("Reason")]
        public void A_waiver_without_a_required_field_is_refused(string missing)
        {
            var entry = new Hashtable { ["ResourceId"] = "*", ["RuleId"] = "*", ["Reason"] = "r" };
            entry.Remove(missing);
            var ex = Assert.Throws<ArgumentException>(() => Waiver.FromData(new object[] { entry }, "w.json"));
            Assert.Contains(missing, ex.Message);
        }

        [Fact]
        public void Every_implemented_rule_that_names_a_fixing_cmdlet_has_its_fix()
        {
            foreach (var rule in RuleCatalog.All.Where(r => r.Evaluate != null && r.Info.RemediationCommand != null))
            {
                Assert.True(rule.Fix != null, $"{rule.Id} names {rule.Info.RemediationCommand} but has no Fix");
                Assert.Equal(rule.Info.RemediationCommand, rule.Fix!.Command);
            }
            var cmk = RuleCatalog.Find("AOAI-ENC-001")!.Fix!;
            Assert.Equal(new[] { "KeyVaultResourceId", "KeyName" }, cmk.Arguments.Select(a => a.Parameter));
        }

        [Fact]
        public void The_catalog_matches_rules_md()
        {
            Assert.Equal(31, RuleCatalog.All.Count);
            Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.Id).Distinct().Count());
            Assert.All(RuleCatalog.All, r => Assert.Matches("^AOAI-(NET|IAM|ENC|CSF|MON|OYD)-00[1-7]$", r.Id));
            Assert.Equal("Disable-AoaiLocalAuth", RuleCatalog.Find("aoai-iam-001")!.Info.RemediationCommand);
            Assert.True(RuleCatalog.Find("AOAI-ENC-001")!.Info.AppliesToAllKinds);
            Assert.False(RuleCatalog.Find("AOAI-ENC-005")!.Info.AppliesToAllKinds);
        }

        [Theory]
        [InlineData("0.0.0.0", true)]
        [InlineData("0.0.0.0/0", true)]
        [InlineData("10.0.0.0/8", true)]
        [InlineData("10.0.0.0/15", true)]
        [InlineData("10.0.0.0/16", false)]
        [InlineData("10.1.2.3", false)]
        [InlineData("0.0.0.0/32", true)]
        [InlineData(" 0.0.0.0/0 ", true)]
        [InlineData("0.0.0.0/24", false)]
        [InlineData("203.0.113.0/24", false)]
        [InlineData("2001:db8::/8", false)]
        [InlineData("not-an-ip/4", false)]
        public void Internet_wide_ranges(string value, bool expected) => Assert.Equal(expected, Ipv4Range.IsInternetWideValue(value));
    
        [Theory]
        [InlineData("AOAI-NET-*", "aoai-net-004", true)]
        [InlineData("AOAI-NET-00[36]", "AOAI-NET-006", true)]
        [InlineData("AOAI-NET-00[36]", "AOAI-NET-004", false)]
        [InlineData("AOAI-???-001", "AOAI-IAM-001", true)]
        [InlineData("*/accounts/acct", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct", true)]
        [InlineData("*/accounts/acct", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct2", false)]
        [InlineData("a.b(c)+", "a.b(c)+", true)]
        [InlineData("x`*", "x*", true)]
        [InlineData("x`*", "xy", false)]
        public void Wildcards_follow_PowerShell(string pattern, string value, bool expected) =>
            Assert.Equal(expected, Wildcard.Get(pattern).IsMatch(value));
    
        [Fact]
        public void Live_related_data_is_read_lazily_and_once_per_account_and_type()
        {
            var calls = 0;
            var readers = new System.Collections.Generic.Dictionary<string, Func<AoaiHardening.Model.AoaiAccount, System.Collections.Generic.IReadOnlyList<AoaiHardening.Rules.Input.InputResource>>>(StringComparer.OrdinalIgnoreCase)
            {
                ["Microsoft.Network/privateEndpoints"] = account => { calls++; return Array.Empty<AoaiHardening.Rules.Input.InputResource>(); },
            };
            var source = new LiveRelatedSource(AoaiHardening.Model.AoaiAccount.FromJson(new System.Text.Json.Nodes.JsonObject { ["id"] = AccountId, ["name"] = "acct" }), readers);
            Assert.Equal(0, calls);
            Assert.NotNull(source.Get("microsoft.network/privateendpoints"));
            Assert.NotNull(source.Get("Microsoft.Network/privateEndpoints"));
            Assert.Equal(1, calls);
            Assert.Null(source.Get("Microsoft.CognitiveServices/accounts/deployments"));
        }
    }
}
