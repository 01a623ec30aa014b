using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AoaiHardening.Model;

namespace AoaiHardening.Reports
{
    /// <summary>Writes the findings of one Test-AoaiHardening run as a report file (-OutputFormat, -OutputPath).</summary>
    internal static class ReportWriter
    {
        internal const string ToolName = "AoaiHardening";

        /// <summary>The project page, named in SARIF and JSON reports.</summary>
        internal const string InformationUri = "https://github.com/aoaihardening/AoaiHardening";

        /// <param name="findings">In the order the run produced them; reports keep that order.</param>
        /// <param name="rules">The rules evaluated, in catalog order (SARIF rule indexes refer to it).</param>
        public static void Write(ReportFormat format, IReadOnlyList<AoaiFinding> findings, IReadOnlyList<AoaiHardeningRule> rules,
            ReportContext context, TextWriter output)
        {
            if (findings == null) throw new ArgumentNullException(nameof(findings));
            if (rules == null) throw new ArgumentNullException(nameof(rules));
            if (context == null) throw new ArgumentNullException(nameof(context));
            if (output == null) throw new ArgumentNullException(nameof(output));

            var data = new ReportData(findings, rules, context);
            switch (format)
            {
                case ReportFormat.Sarif: SarifReportWriter.Write(data, output); break;
                case ReportFormat.Json: JsonReportWriter.Write(data, output); break;
                case ReportFormat.Markdown: PageReport.Write(data, new MarkdownReportWriter(output)); break;
                case ReportFormat.Html: PageReport.Write(data, new HtmlReportWriter(output)); break;
                default: throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown report format.");
            }
        }

        /// <summary>Runs <paramref name="write"/> on an indented JSON writer and copies the text to <paramref name="output"/>.</summary>
        internal static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
        {
            var options = new JsonWriterOptions
            {
                Indented = true,
                // The same bytes on every OS, so reports diff cleanly between a laptop and CI.
                NewLine = "\n",
                // Keeps quotes and '+' readable in command lines; the files are read as JSON, never embedded in HTML.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
            using (var buffer = new MemoryStream())
            {
                using (var json = new Utf8JsonWriter(buffer, options)) write(json);
                output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                output.Write('\n');
            }
        }
    }
}
