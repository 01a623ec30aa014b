using System;
using System.Linq;
using System.Net;
using AoaiHardening.Model;
using AoaiHardening.Reports;
using Xunit;
using static AoaiHardening.Tests.Reports.ReportFixtures;

namespace AoaiHardening.Tests.Reports
{
    /// <summary>The one-page report, as Markdown and as HTML.</summary>
    public class PageReportTests
    {
        private static readonly string Markdown = Write(ReportFormat.Markdown);
        private static readonly string Html = Write(ReportFormat.Html);

        private static void InOrder(string text, params string[] parts)
        {
            var at = -1;
            foreach (var part in parts)
            {
                var next = text.IndexOf(part, at + 1, StringComparison.Ordinal);
                Assert.True(next > at, $"'{part}' is missing or out of order.");
                at = next;
            }
        }

        [Fact]
        public void Markdown_starts_with_what_was_assessed_and_the_summary()
        {
            InOrder(Markdown,
                "# Azure OpenAI hardening report",
                "- **Generated:** 2026-11-24 21:30 UTC",
                "- **Baseline:** Default",
                "- **Accounts assessed:** 2",
                "## Summary",
                "Failures to fix: 5 (3 High, 1 Medium, 1 Low). Not evaluated: 3 (see the last section).",
                "| Status | Findings |", "| Pass | 1 |", "| Fail | 5 |", "| Waived | 1 |", "| NotEvaluated | 2 |", "| NotApplicable | 1 |", "| Error | 1 |",
                "| Failures by severity | Findings |", "| High | 3 |", "| Medium | 1 |", "| Low | 1 |",
                "## Failures", "## Waived", "## Not evaluated");
            Assert.StartsWith("# Weekly review", Write(ReportFormat.Markdown, context: Context(c => c.Title = "Weekly review")));
        }

        [Fact]
        public void Failures_are_grouped_High_first_with_their_fixes()
        {
            InOrder(Markdown,
                "### High severity (3)",
                "#### AOAI-NET-001: Public network access is restricted",
                "- **Resource:** aoai-prod (resource group rg-prod)",
                "- **Actual:** publicNetworkAccess=Enabled, networkAcls.defaultAction=Allow",
                "- **Expected:** publicNetworkAccess=Disabled, or networkAcls.defaultAction=Deny",
                "- **Controls:** MCSB NS-2, Azure Policy 037eea7a",
                "**Fix:**\n\n```powershell\n" + NetFix + "\n```",
                "#### AOAI-CSF-001: Every deployment filters harmful content",
                "- **Target:** gpt-4o",
                "```powershell\n" + CsfFix + "\n```",
                "### Medium severity (1)",
                "#### AOAI-NET-005: Custom subdomain is set",
                "- **Fix:** Fix AOAI-NET-005 by hand.",
                "### Low severity (1)",
                "#### AOAI-ENC-001: Customer-managed key encrypts data at rest",
                "- **Fix:** Run Enable-AoaiCustomerManagedKey.",
                "## Waived");

            InOrder(Html,
                "<h3>High severity (3)</h3>", "<section class=\"high\">", "<h4>AOAI-NET-001: Public network access is restricted</h4>",
                "<pre><code>" + WebUtility.HtmlEncode(NetFix) + "</code></pre>",
                "<h3>Medium severity (1)</h3>", "<section class=\"medium\">",
                "<h3>Low severity (1)</h3>", "<section class=\"low\">", "<dt>Fix</dt><dd>Run Enable-AoaiCustomerManagedKey.</dd>");
        }

        [Fact]
        public void Waivers_show_reason_and_expiry_and_unevaluated_checks_say_why()
        {
            InOrder(Markdown,
                "## Waived",
                "| Rule | Severity | Resource | Target | Reason | Expires |",
                "| AOAI-IAM-001: Key (local) authentication is disabled | High | aoai-prod (resource group rg-prod) | - | Legacy client needs keys until Q1 \\| tracked in SEC-42 | 2027-01-31 |",
                "## Not evaluated",
                "| AOAI-IAM-003: No user holds a management role on the account | aoai-prod (resource group rg-prod) | - | NotEvaluated | AOAI-IAM-003 needs roleAssignments, which this version does not read yet. |",
                "| AOAI-MON-001: Audit and request logs are collected | aoai-prod (resource group rg-prod) | - | Error | Reading diagnosticSettings failed: 403 AuthorizationFailed. |",
                "| NotEvaluated | customSubDomainName is a template expression. |");
            InOrder(Html, "<h2>Waived</h2>", "<td>" + WebUtility.HtmlEncode(WaiverReason) + "</td><td>2027-01-31</td>", "<h2>Not evaluated</h2>", "<td>Error</td>");
        }

        [Fact]
        public void Empty_sections_say_none()
        {
            var passing = Findings().Where(f => f.Status == AoaiFindingStatus.Pass).ToList();
            var markdown = Write(ReportFormat.Markdown, passing);
            InOrder(markdown, "No failures to fix.", "## Failures\n\nNone.", "## Waived\n\nNone.", "## Not evaluated\n\nNone.");
        }

        [Fact]
        public void Markdown_escapes_hostile_text()
        {
            Assert.DoesNotContain("<script>", Markdown);
            Assert.Contains("- **Resource:** \\<script\\>alert(1)\\</script\\>\\|x\\`y (resource group rg-dev)", Markdown);
            Assert.Contains("- **Actual:** publicNetworkAccess=Enabled \\| \\`Allow\\`", Markdown);
            // In a table the same name cannot open a new cell.
            Assert.Contains("| \\<script\\>alert(1)\\</script\\>\\|x\\`y (resource group rg-dev) |", Markdown);
            Assert.Equal("a b \\| c", MarkdownReportWriter.Escape("a\nb | c"));
        }

        [Fact]
        public void Markdown_code_fence_outlasts_backticks_in_the_command()
        {
            var finding = Live("AOAI-NET-001", AoaiSeverity.High, AoaiFindingStatus.Fail, "m", fix: "Do-It `\n  -Name ```x```");
            Assert.Contains("````powershell\nDo-It `\n  -Name ```x```\n````", Write(ReportFormat.Markdown, new[] { finding }));
        }

        [Fact]
        public void Html_encodes_every_value()
        {
            Assert.DoesNotContain("<script", Html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;|x`y (resource group rg-dev)", Html);
            var hostileTitle = Write(ReportFormat.Html, context: Context(c => c.Title = "</title><script>x</script>"));
            Assert.Contains("<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>", hostileTitle);
            Assert.DoesNotContain("<script", hostileTitle, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void Html_is_self_contained_and_printable()
        {
            Assert.StartsWith("<!DOCTYPE html>", Html);
            Assert.EndsWith("</html>\n", Html);
            foreach (var external in new[] { "src=", "href=", "url(", "@import", "<link", "<img", "<iframe", "<object", "<script", "http:", "https:" })
                Assert.DoesNotContain(external, Html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("<meta charset=\"utf-8\">", Html);
            Assert.Contains("@media print", Html);
        }

        [Fact]
        public void Output_is_deterministic()
        {
            Assert.Equal(Markdown, Write(ReportFormat.Markdown));
            Assert.Equal(Html, Write(ReportFormat.Html));
        }
    }
}
