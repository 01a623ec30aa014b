using System.Linq;
using System.Text.Json;
using AoaiHardening.Model;
using AoaiHardening.Reports;
using Xunit;
using static AoaiHardening.Tests.Reports.ReportFixtures;

namespace AoaiHardening.Tests.Reports
{
    public class JsonReportTests
    {
        [Fact]
        public void Has_the_tool_the_time_the_baseline_and_the_title()
        {
            var report = WriteJson(ReportFormat.Json, context: Context(c => { c.Baseline = "Strict"; c.Title = "Weekly review"; }));
            Assert.Equal("AoaiHardening", report.GetProperty("tool").GetProperty("name").GetString());
            Assert.Equal("0.3.0", report.GetProperty("tool").GetProperty("version").GetString());
            Assert.Equal(GeneratedAt, report.GetProperty("generatedAt").GetDateTimeOffset());
            Assert.Equal("Strict", report.GetProperty("baseline").GetString());
            Assert.Equal("Weekly review", report.GetProperty("title").GetString());
            Assert.False(WriteJson(ReportFormat.Json).TryGetProperty("title", out _));
        }

        [Fact]
        public void Summary_counts_statuses_failures_by_severity_and_accounts()
        {
            var summary = WriteJson(ReportFormat.Json).GetProperty("summary");
            int Count(string name) => summary.GetProperty(name).GetInt32();
            Assert.Equal(2, Count("accounts"));
            Assert.Equal(11, Count("findings"));
            Assert.Equal(1, Count("pass"));
            Assert.Equal(5, Count("fail"));
            Assert.Equal(1, Count("waived"));
            Assert.Equal(1, Count("notApplicable"));
            Assert.Equal(2, Count("notEvaluated"));
            Assert.Equal(1, Count("error"));
            Assert.Equal(3, Count("failHigh"));
            Assert.Equal(1, Count("failMedium"));
            Assert.Equal(1, Count("failLow"));
        }

        [Fact]
        public void Findings_keep_their_order_and_every_property_camelCase_with_enums_as_strings()
        {
            var findings = WriteJson(ReportFormat.Json).GetProperty("findings").EnumerateArray().ToList();
            Assert.Equal(Findings().Select(f => f.RuleId), findings.Select(f => f.GetProperty("ruleId").GetString()));

            var expectedNames = typeof(AoaiFinding).GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1)).OrderBy(n => n);
            Assert.All(findings, f => Assert.Equal(expectedNames, f.EnumerateObject().Select(p => p.Name).OrderBy(n => n)));

            var waived = findings.Single(f => f.GetProperty("status").GetString() == "Waived");
            Assert.Equal("High", waived.GetProperty("severity").GetString());
            Assert.Equal(WaiverReason, waived.GetProperty("waiverReason").GetString());
            Assert.Equal(WaiverExpires, waived.GetProperty("waiverExpires").GetDateTimeOffset());
            Assert.Equal(new[] { "MCSB IM-1" }, waived.GetProperty("controls").EnumerateArray().Select(c => c.GetString()));

            var offline = findings.Last();
            Assert.Equal(TemplateFile, offline.GetProperty("sourceFile").GetString());
            Assert.Equal("$.resources[1]", offline.GetProperty("sourcePath").GetString());
            Assert.Equal(JsonValueKind.Null, findings[0].GetProperty("sourceFile").ValueKind);
        }

        [Fact]
        public void Command_lines_stay_readable()
        {
            var text = Write(ReportFormat.Json);
            Assert.Contains(JsonSerializer.Serialize(NetFix).Replace("\\u0027", "'"), text);
            Assert.DoesNotContain("\\u0027", text);
        }
    }
}
