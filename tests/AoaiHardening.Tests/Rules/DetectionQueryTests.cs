using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AoaiHardening.Services;
using Xunit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>
    /// The KQL of every detection, checked offline by a small tokenizer: balanced parentheses, brackets and quotes;
    /// pipes separate non-empty stages; each (sub)query starts with a known table; every column-like identifier
    /// (PascalCase or leading underscore) is a documented column of that table or an alias the query defines.
    /// </summary>
    public sealed class DetectionQueryTests
    {
        public static IEnumerable<object[]> Names => Detections.All.Select(d => new object[] { d.Name });

        private enum Kind { Identifier, String, Number, Symbol }

        private sealed class Token
        {
            public Token(Kind kind, string text) { Kind = kind; Text = text; }
            public Kind Kind { get; }
            public string Text { get; }
            public override string ToString() => Text;
        }

        private static List<Token> Tokenize(string kql)
        {
            var tokens = new List<Token>();
            for (var i = 0; i < kql.Length;)
            {
                var c = kql[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                if (c == '"' || c == '\'')
                {
                    var sb = new StringBuilder();
                    var j = i + 1;
                    for (; j < kql.Length && kql[j] != c; j++)
                    {
                        if (kql[j] == '\\') j++;
                        Assert.True(j < kql.Length, "unterminated escape");
                        sb.Append(kql[j]);
                    }
                    Assert.True(j < kql.Length, $"unterminated string at {i}");
                    tokens.Add(new Token(Kind.String, sb.ToString()));
                    i = j + 1;
                    continue;
                }
                if (char.IsLetter(c) || c == '_')
                {
                    var j = i;
                    while (j < kql.Length && (char.IsLetterOrDigit(kql[j]) || kql[j] == '_' || kql[j] == '-' && j + 1 < kql.Length && char.IsLetter(kql[j + 1]) && tokens.Count > 0 && IsHyphenKeyword(kql.Substring(i, j - i)))) j++;
                    tokens.Add(new Token(Kind.Identifier, kql.Substring(i, j - i)));
                    i = j;
                    continue;
                }
                if (char.IsDigit(c))
                {
                    var j = i;
                    while (j < kql.Length && (char.IsLetterOrDigit(kql[j]) || kql[j] == '.')) j++;
                    tokens.Add(new Token(Kind.Number, kql.Substring(i, j - i)));
                    i = j;
                    continue;
                }
                var two = i + 1 < kql.Length ? kql.Substring(i, 2) : null;
                if (two is "==" or "=~" or "!=" or "<=" or ">=" or "..")
                {
                    tokens.Add(new Token(Kind.Symbol, two));
                    i += 2;
                    continue;
                }
                Assert.Contains(c, "|()[],=<>!+-*/.");
                tokens.Add(new Token(Kind.Symbol, c.ToString()));
                i++;
            }
            return tokens;
        }

        // "has_any" is an identifier; hyphenated KQL keywords (none used yet) would go here.
        private static bool IsHyphenKeyword(string prefix) => false;

        /// <summary>Splits a token run into top-level pipe stages (pipes inside parentheses belong to subqueries).</summary>
        private static List<List<Token>> Stages(List<Token> tokens)
        {
            var stages = new List<List<Token>> { new List<Token>() };
            var depth = 0;
            foreach (var t in tokens)
            {
                if (t.Kind == Kind.Symbol && (t.Text == "(" || t.Text == "[")) depth++;
                if (t.Kind == Kind.Symbol && (t.Text == ")" || t.Text == "]")) depth--;
                Assert.True(depth >= 0, "a closing bracket without its opening one");
                if (depth == 0 && t.Kind == Kind.Symbol && t.Text == "|") stages.Add(new List<Token>());
                else stages[stages.Count - 1].Add(t);
            }
            Assert.Equal(0, depth);
            return stages;
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Kql_is_well_formed_and_uses_only_documented_columns(string name)
        {
            var detection = Detections.Find(name)!;
            Assert.True(Detections.Columns.ContainsKey(detection.Table), $"{name}: unknown table {detection.Table}");
            foreach (var query in new[] { detection.Query, Detections.ForAccount(detection, RuleTestKit.AccountId) })
            {
                var tokens = Tokenize(query);
                CheckQuery(name, detection.Table, tokens);
            }
        }

        private static void CheckQuery(string name, string table, List<Token> tokens)
        {
            var stages = Stages(tokens);
            Assert.All(stages, s => Assert.NotEmpty(s));
            Assert.Equal(Kind.Identifier, stages[0][0].Kind);
            Assert.True(Detections.Columns.ContainsKey(stages[0][0].Text), $"{name}: the query starts with '{stages[0][0].Text}', not a known table");
            Assert.Equal(table, stages[0][0].Text);
            Assert.Single(stages[0]);

            var columns = new HashSet<string>(Detections.Columns[table], StringComparer.Ordinal);
            var aliases = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stage in stages.Skip(1))
            {
                Assert.Equal(Kind.Identifier, stage[0].Kind); // an operator: where, summarize, extend, project, join, distinct
                Assert.True(char.IsLower(stage[0].Text[0]), $"{name}: stage starts with '{stage[0].Text}'");
                for (var i = 0; i < stage.Count; i++)
                {
                    var t = stage[i];
                    if (t.Kind == Kind.Symbol && t.Text == "(" && i + 1 < stage.Count && stage[i + 1].Kind == Kind.Identifier && Detections.Columns.ContainsKey(stage[i + 1].Text))
                    {
                        // A subquery: check it on its own (its columns belong to its table).
                        var depth = 0;
                        var j = i;
                        for (; j < stage.Count; j++)
                        {
                            if (stage[j].Text == "(" && stage[j].Kind == Kind.Symbol) depth++;
                            if (stage[j].Text == ")" && stage[j].Kind == Kind.Symbol && --depth == 0) break;
                        }
                        CheckQuery(name, stage[i + 1].Text, stage.GetRange(i + 1, j - i - 1));
                        i = j;
                        continue;
                    }
                    if (t.Kind != Kind.Identifier) continue;
                    // "Alias = expression" defines a column for the stages that follow.
                    if (i + 1 < stage.Count && stage[i + 1].Kind == Kind.Symbol && stage[i + 1].Text == "=" && (char.IsUpper(t.Text[0])))
                    {
                        aliases.Add(t.Text);
                        continue;
                    }
                    if (char.IsUpper(t.Text[0]) || t.Text[0] == '_' || t.Text.EndsWith("_s", StringComparison.Ordinal))
                        Assert.True(columns.Contains(t.Text) || aliases.Contains(t.Text),
                            $"{name}: '{t.Text}' is not a documented column of {table} ({string.Join(", ", columns)}) nor an alias of the query");
                }
            }
        }

        [Fact]
        public void Required_columns_are_documented_and_used()
        {
            foreach (var d in Detections.All)
            {
                foreach (var column in d.RequiredColumns)
                {
                    Assert.Contains(column, Detections.Columns[d.Table]);
                    Assert.Contains(column, Detections.ForAccount(d, RuleTestKit.AccountId));
                }
            }
        }

        [Fact]
        public void Thresholds_and_severities_are_the_guides()
        {
            Assert.Equal((50d, TimeSpan.FromMinutes(5)), (Detections.Find("HighFrequencyCaller")!.Threshold, Detections.Find("HighFrequencyCaller")!.Window));
            var filtered = Detections.Find("ContentFilterTriggers")!;
            Assert.Equal((20d, 2, TimeSpan.FromMinutes(5)), (filtered.Threshold, filtered.Severity, filtered.Window));
            Assert.Equal(3, Detections.Find("KeyAuthInUse")!.Severity);
            Assert.Equal(0d, Detections.Find("KeyAuthInUse")!.Threshold);
            Assert.Equal((3, "AzureActivity"), (Detections.Find("DeploymentOrPolicyChange")!.Severity, Detections.Find("DeploymentOrPolicyChange")!.Table));
            var tokens = Detections.Find("UnusualTokenConsumption")!;
            Assert.Equal((500000d, 2, TimeSpan.FromHours(1)), (tokens.Threshold, tokens.Severity, tokens.Window));
            Assert.Equal(4, Detections.Find("FirstSeenIp")!.Severity);
            Assert.Equal(6, Detections.All.Count);
        }

        [Fact]
        public void Account_filter_follows_every_table_reference_and_is_recognised()
        {
            var d = Detections.Find("FirstSeenIp")!;
            var narrowed = Detections.ForAccount(d, RuleTestKit.AccountId);
            Assert.Equal(2, narrowed.Split(new[] { "_ResourceId =~" }, StringSplitOptions.None).Length - 1);
            Assert.Same(d, Detections.Recognize(narrowed.Replace("\n", "\r\n  "), RuleTestKit.AccountId));
            Assert.Same(d, Detections.Recognize(d.Query, RuleTestKit.AccountId));
            Assert.Null(Detections.Recognize(narrowed, RuleTestKit.AccountId.Replace("/acct", "/other")));
            Assert.Null(Detections.Recognize("AzureDiagnostics | take 1", RuleTestKit.AccountId));
        }

        [Fact]
        public void The_tokenizer_rejects_broken_queries()
        {
            Assert.ThrowsAny<Exception>(() => CheckQuery("t", "AzureDiagnostics", Tokenize("AzureDiagnostics | where (Category == \"x\"")));
            Assert.ThrowsAny<Exception>(() => Tokenize("AzureDiagnostics | where Category == \"x"));
            Assert.ThrowsAny<Exception>(() => CheckQuery("t", "AzureDiagnostics", Tokenize("AzureDiagnostics | | count")));
            Assert.ThrowsAny<Exception>(() => CheckQuery("t", "AzureDiagnostics", Tokenize("AzureDiagnostics | where Caller == \"x\"")));
            Assert.ThrowsAny<Exception>(() => CheckQuery("t", "AzureDiagnostics", Tokenize("Heartbeat | count")));
        }
    }
}
