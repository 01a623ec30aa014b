using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>A query outside the KQL subset the emulator runs; the message names the part.</summary>
internal sealed class KqlException(string message) : Exception(message);

/// <summary>A row Resource Graph can filter, sort and project: its columns by name (null when the value is absent).</summary>
internal interface IKqlRow
{
    JsonNode? Get(string column);
}

/// <summary>
/// The KQL subset of Resource Graph the emulator answers: <c>resources</c>, then any number of
/// <c>| where c =~ 's'</c> / <c>== 's'</c> / <c>in~ ('a', "b")</c> / <c>in (…)</c> (conditions joined by <c>and</c>),
/// <c>| project c1, c2</c> (top-level columns only), <c>| order by c [asc|desc][, …]</c> (also <c>sort by</c>),
/// <c>| limit N</c> / <c>| take N</c>. Keywords are lower-case, as KQL's; anything else is refused, naming the part,
/// rather than answered wrongly.
/// </summary>
internal sealed class KqlQuery
{
    /// <summary>The <c>resources</c> table's columns, in the order a query without <c>project</c> returns them.</summary>
    public static readonly string[] ResourceColumns =
    [
        "id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan",
        "properties", "tags", "identity", "zones", "extendedLocation",
    ];

    private const string Supported = "Supported: resources | where c =~ 's' | where c == 's' | where c in~ ('a', 'b') (conditions joined by 'and') " +
        "| project c1, c2 | order by c [asc|desc] | limit N | take N, with top-level columns of the resources table.";

    private abstract record Step;
    private sealed record Where(IReadOnlyList<Condition> Conditions) : Step;
    private sealed record Project(IReadOnlyList<string> Columns) : Step;
    private sealed record OrderBy(IReadOnlyList<(string Column, bool Descending)> Keys) : Step;
    private sealed record Limit(int Count) : Step;
    private sealed record Condition(string Column, string Operator, IReadOnlyList<string> Values);

    private readonly List<Step> steps = [];

    /// <summary>The columns the answer has, in order: the table's, or the last <c>project</c>'s.</summary>
    public IReadOnlyList<string> Columns { get; private set; } = ResourceColumns;

    /// <summary>
    /// A <c>type</c> every answered row has (compared case-insensitively), when a <c>where</c> before any <c>limit</c> says so:
    /// lets the caller start from its type index instead of every resource. The conditions are still applied.
    /// </summary>
    public string? TypeHint { get; private set; }

    public static KqlQuery Parse(string text) => new Parser(text).Parse();

    /// <summary>The rows the query keeps, in its order (the input's where it sets none).</summary>
    public IReadOnlyList<IKqlRow> Run(IEnumerable<IKqlRow> input)
    {
        var rows = input;
        foreach (var step in steps)
            rows = step switch
            {
                Where w => rows.Where(r => w.Conditions.All(c => Matches(r.Get(c.Column), c))),
                OrderBy o => Sort(rows, o.Keys),
                Limit l => rows.Take(l.Count),
                _ => rows, // project only narrows what is shown: Columns
            };
        return rows.ToList();
    }

    private static bool Matches(JsonNode? value, Condition c)
    {
        if (value is null)
            return false;
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        var comparison = c.Operator.EndsWith('~') ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return c.Values.Any(expected => text.Equals(expected, comparison));
    }

    private static IEnumerable<IKqlRow> Sort(IEnumerable<IKqlRow> rows, IReadOnlyList<(string Column, bool Descending)> keys)
    {
        IOrderedEnumerable<IKqlRow>? sorted = null;
        foreach (var (column, descending) in keys)
        {
            // Stable, so ties keep the order they came in; nulls first ascending, last descending (KQL's defaults).
            Func<IKqlRow, SortKey> key = r => SortKey.Of(r.Get(column));
            sorted = sorted is null
                ? descending ? rows.OrderByDescending(key) : rows.OrderBy(key)
                : descending ? sorted.ThenByDescending(key) : sorted.ThenBy(key);
        }
        return sorted ?? rows;
    }

    /// <summary>Nulls, then numbers by value, then everything else by its text, ordinally.</summary>
    private readonly record struct SortKey(int Rank, double Number, string? Text) : IComparable<SortKey>
    {
        public static SortKey Of(JsonNode? value) => value switch
        {
            null => new(0, 0, null),
            JsonValue v when v.TryGetValue<double>(out var d) => new(1, d, null),
            JsonValue v when v.TryGetValue<string>(out var s) => new(2, 0, s),
            _ => new(2, 0, value.ToJsonString()),
        };

        public int CompareTo(SortKey other) =>
            Rank != other.Rank ? Rank.CompareTo(other.Rank)
            : Rank == 1 ? Number.CompareTo(other.Number)
            : string.CompareOrdinal(Text, other.Text);
    }

    private sealed class Parser(string text)
    {
        private enum Kind { Word, String, Number, Symbol, End }
        private readonly record struct Token(Kind Kind, string Text, int Position);

        private readonly List<Token> tokens = Tokenize(text);
        private int at;
        private readonly KqlQuery query = new();

        public KqlQuery Parse()
        {
            var table = Next();
            if (table.Kind != Kind.Word || !table.Text.Equals("resources", StringComparison.OrdinalIgnoreCase))
                throw Unsupported(table, "table", "only the 'resources' table is served");
            var limited = false;
            while (Peek().Kind != Kind.End)
            {
                Expect("|");
                var op = Next();
                if (op.Kind != Kind.Word)
                    throw Unsupported(op, "operator", null);
                switch (op.Text)
                {
                    case "where":
                        var where = ParseWhere();
                        if (!limited && where.Conditions.FirstOrDefault(c => c.Column == "type" && c.Values.Count == 1) is { } byType)
                            query.TypeHint ??= byType.Values[0];
                        query.steps.Add(where);
                        break;
                    case "project":
                        var columns = new List<string> { Column() };
                        while (TryTake(","))
                            columns.Add(Column());
                        query.steps.Add(new Project(columns));
                        query.Columns = columns;
                        break;
                    case "order" or "sort":
                        var by = Next();
                        if (by.Text != "by")
                            throw Unsupported(by, "token", $"'{op.Text}' must be followed by 'by'");
                        var keys = new List<(string, bool)> { SortKey() };
                        while (TryTake(","))
                            keys.Add(SortKey());
                        query.steps.Add(new OrderBy(keys));
                        break;
                    case "limit" or "take":
                        var count = Next();
                        if (count.Kind != Kind.Number || !int.TryParse(count.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                            throw Unsupported(count, "count", $"'{op.Text}' needs a whole number");
                        query.steps.Add(new Limit(n));
                        limited = true;
                        break;
                    default:
                        throw Unsupported(op, "operator", null);
                }
            }
            return query;
        }

        private Where ParseWhere()
        {
            var conditions = new List<Condition> { ParseCondition() };
            while (Peek() is { Kind: Kind.Word, Text: "and" })
            {
                Next();
                conditions.Add(ParseCondition());
            }
            if (Peek() is { Kind: Kind.Word } extra)
                throw Unsupported(extra, "keyword", "conditions may only be joined with 'and'");
            return new Where(conditions);
        }

        private Condition ParseCondition()
        {
            var column = Column();
            var op = Next();
            if (op.Text is "=~" or "==")
                return new Condition(column, op.Text, [StringLiteral()]);
            if (op.Text is "in~" or "in")
            {
                Expect("(");
                var values = new List<string> { StringLiteral() };
                while (TryTake(","))
                    values.Add(StringLiteral());
                Expect(")");
                return new Condition(column, op.Text, values);
            }
            throw Unsupported(op, "comparison", "use =~, ==, in~ or in");
        }

        private (string, bool) SortKey()
        {
            var column = Column();
            if (Peek() is { Kind: Kind.Word, Text: "asc" or "desc" } direction)
            {
                Next();
                return (column, direction.Text == "desc");
            }
            return (column, false);
        }

        /// <summary>A column of the current shape: one of the table's, and still there after any <c>project</c>.</summary>
        private string Column()
        {
            var token = Next();
            if (token.Kind != Kind.Word)
                throw Unsupported(token, "column", "a column name is expected here");
            if (Peek() is { Kind: Kind.Symbol, Text: "." or "[" } access)
                throw Unsupported(access, "expression", $"only top-level columns are supported, not a path into '{token.Text}'");
            if (!query.Columns.Contains(token.Text, StringComparer.Ordinal))
                throw new KqlException(query.Columns == ResourceColumns
                    ? $"Unknown column '{token.Text}' at position {token.Position}: the resources table has {string.Join(", ", ResourceColumns)} (names are case-sensitive)."
                    : $"Column '{token.Text}' at position {token.Position} was projected away; the columns are {string.Join(", ", query.Columns)}.");
            return token.Text;
        }

        private string StringLiteral()
        {
            var token = Next();
            return token.Kind == Kind.String ? token.Text : throw Unsupported(token, "value", "values must be string literals in single or double quotes");
        }

        private void Expect(string symbol)
        {
            var token = Next();
            if (token.Text != symbol || token.Kind is Kind.String)
                throw Unsupported(token, "token", $"'{symbol}' was expected");
        }

        private bool TryTake(string symbol)
        {
            if (Peek() is not { Kind: Kind.Symbol } token || token.Text != symbol)
                return false;
            at++;
            return true;
        }

        private Token Peek() => tokens[at];

        private Token Next() => tokens[at].Kind == Kind.End ? tokens[at] : tokens[at++];

        private static KqlException Unsupported(Token token, string what, string? why)
        {
            var shown = token.Kind == Kind.End ? "the end of the query" : $"'{token.Text}'";
            return new KqlException($"Unsupported {what} {shown} at position {token.Position}" + (why is null ? "." : $": {why}.") + " " + Supported);
        }

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }
                var start = i;
                if (char.IsLetter(c) || c == '_')
                {
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                        i++;
                    var word = text[start..i];
                    if (word == "in" && i < text.Length && text[i] == '~')
                        word = "in" + text[i++];
                    tokens.Add(new Token(Kind.Word, word, start));
                }
                else if (char.IsDigit(c))
                {
                    while (i < text.Length && char.IsDigit(text[i]))
                        i++;
                    tokens.Add(new Token(Kind.Number, text[start..i], start));
                }
                else if (c is '\'' or '"')
                {
                    var value = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                            throw new KqlException($"Unterminated string starting at position {start}.");
                        var ch = text[i++];
                        if (ch == c)
                            break;
                        if (ch == '\\' && i < text.Length)
                        {
                            var escaped = text[i++];
                            value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => escaped });
                        }
                        else
                            value.Append(ch);
                    }
                    tokens.Add(new Token(Kind.String, value.ToString(), start));
                }
                else
                {
                    // Two-character operators first, so '!=' and '=~' are named whole in errors.
                    var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                    var symbol = two is "==" or "=~" or "!=" or "!~" or "<=" or ">=" ? two : c.ToString();
                    i += symbol.Length;
                    tokens.Add(new Token(Kind.Symbol, symbol, start));
                }
            }
            tokens.Add(new Token(Kind.End, "", text.Length));
            return tokens;
        }
    }
}
