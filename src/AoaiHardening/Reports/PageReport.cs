using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AoaiHardening.Model;

namespace AoaiHardening.Reports
{
    /// <summary>The few blocks the one-page report is made of; Markdown and HTML each render them, escaping every value.</summary>
    internal abstract class PageWriter
    {
        protected PageWriter(TextWriter output) => Output = output;

        protected TextWriter Output { get; }

        public abstract void Begin(string title);
        public abstract void End();
        public abstract void Heading(int level, string text);
        public abstract void Paragraph(string text);
        /// <summary>Label/value pairs, e.g. Resource, Actual, Expected.</summary>
        public abstract void Fields(IEnumerable<KeyValuePair<string, string>> fields);
        public abstract void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows);
        /// <summary>A command line to copy, under a caption.</summary>
        public abstract void Code(string caption, string code);
        /// <summary>Groups the blocks of one finding; <paramref name="tone"/> is a severity or status in lower case.</summary>
        public virtual void BeginSection(string tone) { }
        public virtual void EndSection() { }
    }

    /// <summary>
    /// One page a security lead can read: what was assessed, the counts, then the failures by severity (High first)
    /// with their fixes, the waivers, and what could not be evaluated and why.
    /// </summary>
    internal static class PageReport
    {
        private const string DefaultTitle = "Azure OpenAI hardening report";
        private const string None = "None.";

        public static void Write(ReportData data, PageWriter page)
        {
            var context = data.Context;
            var summary = data.Summary;
            page.Begin(context.Title ?? DefaultTitle);
            page.Fields(new[]
            {
                Field("Generated", context.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
                Field("Baseline", context.Baseline),
                Field("Accounts assessed", Count(summary.Accounts)),
                Field("Tool", $"{ReportWriter.ToolName} {context.ToolVersion}"),
            });

            page.Heading(2, "Summary");
            page.Paragraph(Verdict(summary));
            page.Table(new[] { "Status", "Findings" }, new[]
            {
                Row("Pass", Count(summary.Pass)),
                Row("Fail", Count(summary.Fail)),
                Row("Waived", Count(summary.Waived)),
                Row("NotEvaluated", Count(summary.NotEvaluated)),
                Row("NotApplicable", Count(summary.NotApplicable)),
                Row("Error", Count(summary.Error)),
            });
            page.Table(new[] { "Failures by severity", "Findings" }, new[]
            {
                Row("High", Count(summary.FailHigh)),
                Row("Medium", Count(summary.FailMedium)),
                Row("Low", Count(summary.FailLow)),
            });

            WriteFailures(data, page);
            WriteWaived(data, page);
            WriteUnevaluated(data, page);
            page.End();
        }

        private static void WriteFailures(ReportData data, PageWriter page)
        {
            page.Heading(2, "Failures");
            var failures = data.Findings.Where(f => f.Status == AoaiFindingStatus.Fail).ToList();
            if (failures.Count == 0) page.Paragraph(None);

            // Stable sort: within a severity, findings keep the order of the run.
            foreach (var group in failures.GroupBy(f => f.Severity).OrderByDescending(g => g.Key))
            {
                page.Heading(3, $"{group.Key} severity ({group.Count()})");
                foreach (var finding in group) WriteFailure(data, page, finding);
            }
        }

        private static void WriteFailure(ReportData data, PageWriter page, AoaiFinding finding)
        {
            page.BeginSection(finding.Severity.ToString().ToLowerInvariant());
            page.Heading(4, $"{finding.RuleId}: {finding.Title}");
            var fields = new List<KeyValuePair<string, string>> { Field("Resource", ReportData.ResourceLabel(finding)) };
            if (finding.Target != null) fields.Add(Field("Target", finding.Target));
            if (finding.SourceFile != null) fields.Add(Field("Source", $"{finding.SourceFile} {finding.SourcePath}".TrimEnd()));
            fields.Add(Field("Finding", finding.Message));
            if (finding.Actual != null) fields.Add(Field("Actual", finding.Actual));
            if (finding.Expected != null) fields.Add(Field("Expected", finding.Expected));
            if (finding.Controls.Length > 0) fields.Add(Field("Controls", string.Join(", ", finding.Controls)));

            // A command line goes in a block to copy; manual instructions read as text.
            var fix = data.FixOf(finding);
            if (finding.Remediation == null && fix != null) fields.Add(Field("Fix", fix));
            page.Fields(fields);
            if (finding.Remediation != null) page.Code("Fix", finding.Remediation);
            page.EndSection();
        }

        private static void WriteWaived(ReportData data, PageWriter page)
        {
            page.Heading(2, "Waived");
            var waived = data.Findings.Where(f => f.Status == AoaiFindingStatus.Waived).ToList();
            if (waived.Count == 0)
            {
                page.Paragraph(None);
                return;
            }
            page.Table(new[] { "Rule", "Severity", "Resource", "Target", "Reason", "Expires" }, waived.Select(f => Row(
                $"{f.RuleId}: {f.Title}",
                f.Severity.ToString(),
                ReportData.ResourceLabel(f),
                f.Target ?? "-",
                f.WaiverReason ?? "-",
                f.WaiverExpires?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "never")));
        }

        private static void WriteUnevaluated(ReportData data, PageWriter page)
        {
            page.Heading(2, "Not evaluated");
            var unevaluated = data.Findings.Where(f => f.Status == AoaiFindingStatus.NotEvaluated || f.Status == AoaiFindingStatus.Error).ToList();
            if (unevaluated.Count == 0)
            {
                page.Paragraph(None);
                return;
            }
            page.Table(new[] { "Rule", "Resource", "Target", "Status", "Why" }, unevaluated.Select(f => Row(
                $"{f.RuleId}: {f.Title}",
                ReportData.ResourceLabel(f),
                f.Target ?? "-",
                f.Status.ToString(),
                f.Message)));
        }

        private static string Verdict(AoaiHardeningSummary summary)
        {
            var verdict = summary.Fail == 0
                ? "No failures to fix."
                : $"Failures to fix: {Count(summary.Fail)} ({Count(summary.FailHigh)} High, {Count(summary.FailMedium)} Medium, {Count(summary.FailLow)} Low).";
            var unevaluated = summary.NotEvaluated + summary.Error;
            return unevaluated == 0 ? verdict : $"{verdict} Not evaluated: {Count(unevaluated)} (see the last section).";
        }

        private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static KeyValuePair<string, string> Field(string label, string value) => new KeyValuePair<string, string>(label, value);

        private static IReadOnlyList<string> Row(params string[] cells) => cells;
    }
}
