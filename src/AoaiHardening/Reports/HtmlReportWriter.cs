using System.Collections.Generic;
using System.IO;
using System.Net;

namespace AoaiHardening.Reports
{
    /// <summary>
    /// The one-page report as a self-contained HTML file: inline CSS, no scripts, nothing loaded from elsewhere, so it
    /// opens the same from a mail attachment or a build artifact and prints cleanly. Every value is HTML-encoded.
    /// </summary>
    internal sealed class HtmlReportWriter : PageWriter
    {
        private const string Style = @"
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1b1b; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; }
h4 { font-size: 1rem; margin: 0 0 .4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .3rem 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
section { border-left: 4px solid #888; padding: .5rem .9rem; margin: .8rem 0; background: #fafafa; }
section.high { border-left-color: #b3261e; }
section.medium { border-left-color: #c77700; }
section.low { border-left-color: #3b6ea8; }
.caption { font-weight: 600; margin: .4rem 0 .2rem; }
pre { background: #f0f0f0; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
@media print { body { max-width: none; margin: 0; } section { break-inside: avoid; background: none; } h2, h3 { break-after: avoid; } }
";

        public HtmlReportWriter(TextWriter output) : base(output) { }

        public override void Begin(string title)
        {
            Output.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            Output.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            Output.Write($"<title>{Encode(title)}</title>\n<style>{Style}</style>\n</head>\n<body>\n<main>\n");
            Heading(1, title);
        }

        public override void End() => Output.Write("</main>\n</body>\n</html>\n");

        public override void Heading(int level, string text) => Output.Write($"<h{level}>{Encode(text)}</h{level}>\n");

        public override void Paragraph(string text) => Output.Write($"<p>{Encode(text)}</p>\n");

        public override void Fields(IEnumerable<KeyValuePair<string, string>> fields)
        {
            Output.Write("<dl>\n");
            foreach (var field in fields) Output.Write($"<dt>{Encode(field.Key)}</dt><dd>{Encode(field.Value)}</dd>\n");
            Output.Write("</dl>\n");
        }

        public override void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
        {
            Output.Write("<table>\n<thead><tr>");
            foreach (var header in headers) Output.Write($"<th>{Encode(header)}</th>");
            Output.Write("</tr></thead>\n<tbody>\n");
            foreach (var row in rows)
            {
                Output.Write("<tr>");
                foreach (var cell in row) Output.Write($"<td>{Encode(cell)}</td>");
                Output.Write("</tr>\n");
            }
            Output.Write("</tbody>\n</table>\n");
        }

        public override void Code(string caption, string code) =>
            Output.Write($"<p class=\"caption\">{Encode(caption)}</p>\n<pre><code>{Encode(code)}</code></pre>\n");

        public override void BeginSection(string tone) => Output.Write($"<section class=\"{Encode(tone)}\">\n");

        public override void EndSection() => Output.Write("</section>\n");

        private static string Encode(string text) => WebUtility.HtmlEncode(text);
    }
}
