using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace AoaiHardening.Reports
{
    /// <summary>The one-page report as GitHub-flavoured Markdown; every value is escaped so it shows as written.</summary>
    internal sealed class MarkdownReportWriter : PageWriter
    {
        // CommonMark's backslash escapes for the characters that would start markup inside a line, plus '|' for tables.
        private const string Special = "\\`*_[]<>|~&";

        public MarkdownReportWriter(TextWriter output) : base(output) { }

        public override void Begin(string title) => Heading(1, title);

        public override void End() { }

        public override void Heading(int level, string text) => Block(new string('#', level) + " " + Escape(text));

        public override void Paragraph(string text) => Block(Escape(text));

        public override void Fields(IEnumerable<KeyValuePair<string, string>> fields) =>
            Block(string.Join("\n", fields.Select(f => $"- **{Escape(f.Key)}:** {Escape(f.Value)}")));

        public override void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
        {
            var lines = new List<string> { Row(headers), Row(headers.Select(_ => "---").ToList(), escape: false) };
            lines.AddRange(rows.Select(r => Row(r)));
            Block(string.Join("\n", lines));
        }

        public override void Code(string caption, string code)
        {
            // The fence must be longer than any backtick run in the code (PowerShell's escape character is a backtick).
            var fence = new string('`', System.Math.Max(3, LongestRun(code, '`') + 1));
            Block($"**{Escape(caption)}:**\n\n{fence}powershell\n{code}\n{fence}");
        }

        private void Block(string text)
        {
            Output.Write(text);
            Output.Write("\n\n");
        }

        private static string Row(IReadOnlyList<string> cells, bool escape = true) =>
            "| " + string.Join(" | ", cells.Select(c => escape ? Escape(c) : c)) + " |";

        /// <summary>Backslash-escapes markup characters; line breaks become spaces so a value cannot start a new block or row.</summary>
        internal static string Escape(string text)
        {
            var escaped = new StringBuilder(text.Length + 8);
            foreach (var c in text)
            {
                if (c == '\r' || c == '\n')
                {
                    escaped.Append(' ');
                    continue;
                }
                if (Special.IndexOf(c) >= 0) escaped.Append('\\');
                escaped.Append(c);
            }
            return escaped.ToString();
        }

        private static int LongestRun(string text, char c)
        {
            int longest = 0, run = 0;
            foreach (var x in text)
            {
                run = x == c ? run + 1 : 0;
                if (run > longest) longest = run;
            }
            return longest;
        }
    }
}
