using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using AoaiHardening.Model;
using AoaiHardening.Reports;
using Xunit;
using static AoaiHardening.Tests.Reports.ReportFixtures;

namespace AoaiHardening.Tests.Reports
{
    public class SarifReportTests
    {
        private static JsonElement Run(ReportContext? context = null, IReadOnlyList<AoaiFinding>? findings = null) =>
            WriteJson(ReportFormat.Sarif, findings, context).GetProperty("runs")[0];

        private static List<JsonElement> Results(JsonElement run) => run.GetProperty("results").EnumerateArray().ToList();

        private static string Str(JsonElement e, string property) => e.GetProperty(property).GetString()!;

        private static JsonElement Single(JsonElement run, string ruleId, string? target = null, bool offline = false) =>
            Results(run).Single(r => Str(r, "ruleId") == ruleId
                && (target == null || (r.GetProperty("properties").TryGetProperty("target", out var t) && t.GetString() == target))
                && IsOffline(r) == offline);

        /// <summary>Live results sit at an "azure/…" pseudo-path; offline ones at their input file.</summary>
        private static bool IsOffline(JsonElement result) =>
            !Str(result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation"), "uri").StartsWith("azure/", StringComparison.Ordinal);

        [Fact]
        public void Log_has_the_required_fields_one_run_and_the_tool()
        {
            var log = WriteJson(ReportFormat.Sarif);
            Assert.Equal("2.1.0", Str(log, "version"));
            Assert.StartsWith("https://", Str(log, "$schema"));
            var run = Assert.Single(log.GetProperty("runs").EnumerateArray());
            var driver = run.GetProperty("tool").GetProperty("driver");
            Assert.Equal("AoaiHardening", Str(driver, "name"));
            Assert.Equal("0.3.0", Str(driver, "version"));
            Assert.Equal("0.3.0", Str(driver, "semanticVersion"));
            Assert.Equal("https://github.com/aoaihardening/AoaiHardening", Str(driver, "informationUri"));
            var invocation = Assert.Single(run.GetProperty("invocations").EnumerateArray());
            Assert.True(invocation.GetProperty("executionSuccessful").GetBoolean());
            Assert.Equal("2026-11-24T21:30:00.000Z", Str(invocation, "startTimeUtc"));
            foreach (var result in Results(run))
            {
                Assert.False(string.IsNullOrEmpty(Str(result.GetProperty("message"), "text")));
                Assert.NotEmpty(result.GetProperty("locations").EnumerateArray());
            }
        }

        [Fact]
        public void Rules_are_the_catalog_in_order_with_help_levels_and_security_severity()
        {
            var rules = Run().GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
            Assert.Equal(AllRules.Select(r => r.Id), rules.Select(r => Str(r, "id")));

            var net = rules[0];
            Assert.Equal("PublicNetworkAccessIsRestricted", Str(net, "name"));
            Assert.Equal("Public network access is restricted", Str(net.GetProperty("shortDescription"), "text"));
            Assert.Equal("The condition of AOAI-NET-001.", Str(net.GetProperty("fullDescription"), "text"));
            Assert.Equal("https://github.com/aoaihardening/AoaiHardening/blob/main/docs/rules.md#aoai-net-001", Str(net, "helpUri"));
            Assert.Equal("Why AOAI-NET-001 matters.\n\nFix: Run Disable-AoaiPublicNetworkAccess.\n\nControls: MCSB NS-2, Azure Policy 037eea7a",
                Str(net.GetProperty("help"), "text"));
            Assert.Equal("Why AOAI-NET-001 matters.\n\n**Fix:** Run Disable-AoaiPublicNetworkAccess.\n\n**Controls:** MCSB NS-2, Azure Policy 037eea7a",
                Str(net.GetProperty("help"), "markdown"));
            Assert.Equal("Why AOAI-NET-005 matters.\n\n**Fix:** Fix AOAI-NET-005 by hand.", Str(rules[1].GetProperty("help"), "markdown"));
            Assert.Equal(new[] { "security", "NET", "MCSB NS-2", "Azure Policy 037eea7a" },
                net.GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("KeyLocalAuthenticationIsDisabled", Str(rules[2], "name"));

            var expected = new Dictionary<AoaiSeverity, (string Level, string Score)>
            {
                [AoaiSeverity.High] = ("error", "8.0"),
                [AoaiSeverity.Medium] = ("warning", "5.0"),
                [AoaiSeverity.Low] = ("note", "2.0"),
            };
            for (var i = 0; i < rules.Count; i++)
            {
                var (level, score) = expected[AllRules[i].Severity];
                Assert.Equal(level, Str(rules[i].GetProperty("defaultConfiguration"), "level"));
                Assert.Equal(score, Str(rules[i].GetProperty("properties"), "security-severity"));
            }
        }

        [Fact]
        public void Result_level_follows_the_finding_severity_and_rule_index_points_at_its_rule()
        {
            var run = Run();
            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
            foreach (var result in Results(run))
                Assert.Equal(Str(result, "ruleId"), Str(rules[result.GetProperty("ruleIndex").GetInt32()], "id"));

            Assert.Equal("error", Str(Single(run, "AOAI-NET-001"), "level"));
            Assert.Equal("warning", Str(Single(run, "AOAI-NET-005"), "level"));
            Assert.Equal("note", Str(Single(run, "AOAI-ENC-001"), "level"));

            // Under Strict, ENC-001 is Medium: the finding's severity wins over the rule's default.
            var strict = ReportFixtures.Live("AOAI-ENC-001", AoaiSeverity.Medium, AoaiFindingStatus.Fail, "Microsoft-managed key.");
            Assert.Equal("warning", Str(Results(Run(findings: new[] { strict }))[0], "level"));
        }

        [Fact]
        public void Reports_failures_waivers_and_unevaluated_checks_but_not_passes_by_default()
        {
            var results = Results(Run());
            Assert.Equal(
                new[] { "AOAI-ENC-001", "AOAI-NET-001", "AOAI-NET-005", "AOAI-CSF-001", "AOAI-IAM-001", "AOAI-IAM-003", "AOAI-MON-001", "AOAI-NET-001", "AOAI-NET-005" },
                results.Select(r => Str(r, "ruleId")));
            Assert.DoesNotContain(results, r => Str(r, "kind") == "pass" || Str(r, "kind") == "notApplicable");

            foreach (var id in new[] { "AOAI-IAM-003", "AOAI-MON-001" })
            {
                var result = Single(Run(), id);
                Assert.Equal("review", Str(result, "kind"));
                Assert.Equal("none", Str(result, "level"));
            }
            Assert.Equal("Error", Str(Single(Run(), "AOAI-MON-001").GetProperty("properties"), "status"));
        }

        [Fact]
        public void IncludePassing_adds_passes_and_not_applicable_with_level_none()
        {
            var run = Run(Context(c => c.IncludePassing = true));
            Assert.Equal(Findings().Count, Results(run).Count);
            var pass = Single(run, "AOAI-CSF-001", "gpt-35");
            Assert.Equal(("pass", "none"), (Str(pass, "kind"), Str(pass, "level")));
            var notApplicable = Single(run, "AOAI-ENC-002");
            Assert.Equal(("notApplicable", "none"), (Str(notApplicable, "kind"), Str(notApplicable, "level")));
        }

        [Fact]
        public void Waived_failure_is_a_suppressed_result_with_the_reason()
        {
            var waived = Single(Run(), "AOAI-IAM-001");
            Assert.Equal(("fail", "error"), (Str(waived, "kind"), Str(waived, "level")));
            var suppression = Assert.Single(waived.GetProperty("suppressions").EnumerateArray());
            Assert.Equal("external", Str(suppression, "kind"));
            Assert.Equal(WaiverReason, Str(suppression, "justification"));
            Assert.Equal("2027-01-31T00:00:00.000Z", Str(suppression.GetProperty("properties"), "expires"));
            Assert.False(Single(Run(), "AOAI-NET-001").TryGetProperty("suppressions", out _));
        }

        [Fact]
        public void Message_carries_the_fix_command_or_the_rules_instructions()
        {
            var run = Run();
            Assert.Equal("The account accepts traffic from any network. Fix: " + NetFix, Str(Single(run, "AOAI-NET-001").GetProperty("message"), "text"));
            Assert.Equal("The account has no custom subdomain. Fix: Fix AOAI-NET-005 by hand.", Str(Single(run, "AOAI-NET-005").GetProperty("message"), "text"));
            Assert.DoesNotContain("Fix:", Str(Single(run, "AOAI-IAM-003").GetProperty("message"), "text"));
        }

        [Fact]
        public void Live_findings_are_located_at_the_resource_id_with_their_values()
        {
            var result = Single(Run(), "AOAI-CSF-001", "gpt-4o");
            var location = Assert.Single(result.GetProperty("locations").EnumerateArray());
            // GitHub code scanning needs a file location on every result: the resource id as a pseudo-path.
            var physical = location.GetProperty("physicalLocation");
            Assert.Equal("azure" + AccountId, Str(physical.GetProperty("artifactLocation"), "uri"));
            Assert.False(physical.GetProperty("artifactLocation").TryGetProperty("uriBaseId", out _));
            Assert.Equal(1, physical.GetProperty("region").GetProperty("startLine").GetInt32());
            var logical = Assert.Single(location.GetProperty("logicalLocations").EnumerateArray());
            Assert.Equal(AccountId, Str(logical, "fullyQualifiedName"));
            Assert.Equal("aoai-prod", Str(logical, "name"));
            Assert.Equal("resource", Str(logical, "kind"));
            var properties = result.GetProperty("properties");
            Assert.Equal(AccountId, Str(properties, "resourceId"));
            Assert.Equal("gpt-4o", Str(properties, "target"));
            Assert.Equal("raiPolicyName=(none)", Str(properties, "actual"));
            Assert.Equal("a policy that blocks the four harms", Str(properties, "expected"));
        }

        [Fact]
        public void Offline_findings_are_located_at_the_file_relative_to_the_base_directory_and_the_json_path()
        {
            var run = Run(Context(c => c.BaseDirectory = BaseDirectory));
            var location = Single(run, "AOAI-NET-001", offline: true).GetProperty("locations")[0];
            var artifact = location.GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.Equal("infra/main%20template.json", Str(artifact, "uri"));
            Assert.Equal("SRCROOT", Str(artifact, "uriBaseId"));
            Assert.Equal(new Uri(BaseDirectory + "/").AbsoluteUri, Str(run.GetProperty("originalUriBaseIds").GetProperty("SRCROOT"), "uri"));
            Assert.Equal(1, location.GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
            var logical = Assert.Single(location.GetProperty("logicalLocations").EnumerateArray());
            Assert.Equal("$.resources[1]", Str(logical, "fullyQualifiedName"));
            Assert.Equal("element", Str(logical, "kind"));
        }

        [Fact]
        public void Offline_file_outside_the_base_directory_gets_an_absolute_file_uri()
        {
            foreach (var context in new[] { Context(), Context(c => c.BaseDirectory = "/somewhere/else") })
            {
                var run = Run(context);
                var artifact = Single(run, "AOAI-NET-001", offline: true).GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
                Assert.Equal(new Uri(TemplateFile).AbsoluteUri, Str(artifact, "uri"));
                Assert.StartsWith("file:///", Str(artifact, "uri"));
                Assert.False(artifact.TryGetProperty("uriBaseId", out _));
            }
        }

        [Fact]
        public void Fingerprints_are_stable_across_runs_and_distinct_across_targets()
        {
            static string Print(JsonElement result) => Str(result.GetProperty("partialFingerprints"), "aoaiHardeningFinding/v1");
            var first = Results(Run(Context(c => c.IncludePassing = true))).Select(Print).ToList();
            var later = Results(Run(Context(c => { c.IncludePassing = true; c.GeneratedAt = GeneratedAt.AddDays(7); c.ToolVersion = "0.4.0"; }))).Select(Print).ToList();
            Assert.Equal(first, later);
            Assert.All(first, p => Assert.Matches("^[0-9a-f]{64}$", p));

            var run = Run(Context(c => c.IncludePassing = true));
            Assert.NotEqual(Print(Single(run, "AOAI-CSF-001", "gpt-4o")), Print(Single(run, "AOAI-CSF-001", "gpt-35")));
            Assert.NotEqual(Print(Single(run, "AOAI-NET-001")), Print(Single(run, "AOAI-NET-001", offline: true)));

            // ARM returns ids in varying case; the alert must not reopen because of it.
            var upper = ReportFixtures.Live("AOAI-NET-001", AoaiSeverity.High, AoaiFindingStatus.Fail, "m", resourceId: AccountId.ToUpperInvariant());
            Assert.Equal(Print(Single(run, "AOAI-NET-001")), Print(Results(Run(findings: new[] { upper }))[0]));
        }

        [Fact]
        public void Output_is_deterministic()
        {
            var context = Context(c => { c.IncludePassing = true; c.BaseDirectory = BaseDirectory; });
            Assert.Equal(Write(ReportFormat.Sarif, context: context), Write(ReportFormat.Sarif, context: context));
        }

        [Fact]
        public void A_finding_of_a_rule_not_passed_in_has_no_rule_index()
        {
            var result = Results(Run(findings: Findings()))[0];
            var orphan = Write(ReportFormat.Sarif, Findings().Take(1).ToList(), rules: Array.Empty<AoaiHardeningRule>());
            var orphanResult = JsonDocument.Parse(orphan).RootElement.GetProperty("runs")[0].GetProperty("results")[0];
            Assert.True(result.TryGetProperty("ruleIndex", out _));
            Assert.False(orphanResult.TryGetProperty("ruleIndex", out _));
            Assert.Equal("AOAI-ENC-001", Str(orphanResult, "ruleId"));
        }
    }
}
