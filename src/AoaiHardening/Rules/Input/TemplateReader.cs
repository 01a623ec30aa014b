using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Rules.Input
{
    /// <summary>
    /// Resources declared by an ARM template (also Bicep output, including languageVersion 2.0 symbolic resources),
    /// read without evaluating any expression: a value such as "[parameters('x')]" stays that text, so that the engine
    /// can tell what it cannot know. Ids are synthetic, built under <see cref="ResourceGroupId"/> from the literal
    /// names and the expression text, so that children and extension resources still nest under their parent by id.
    /// </summary>
    internal static class TemplateReader
    {
        /// <summary>Where a template deploys, as literal placeholders (no subscription or group is guessed).</summary>
        public const string ResourceGroupId = "/subscriptions/{subscription}/resourceGroups/{resourceGroup}";

        private const string DeploymentsType = "Microsoft.Resources/deployments";

        // Members that steer the deployment rather than describe the resource; the REST shape has none of them.
        private static readonly HashSet<string> DeploymentOnly = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "id", "name", "type", "apiVersion", "dependsOn", "resources", "condition", "copy", "comments", "scope", "existing",
        };

        public static bool IsTemplate(JsonObject root)
        {
            if (SchemaNames(root, "deploymentTemplate")) return true;
            var resources = root["resources"];
            return (resources is JsonArray || resources is JsonObject) && !root.ContainsKey("id") && !root.ContainsKey("type");
        }

        public static bool IsParameterFile(JsonObject root) => SchemaNames(root, "deploymentParameters");

        // "deploymentTemplate" also matches the subscription, management group and tenant template schemas.
        private static bool SchemaNames(JsonObject root, string kind) =>
            Json.StringOnly(root["$schema"])?.IndexOf(kind, StringComparison.OrdinalIgnoreCase) >= 0;

        public static List<InputResource> Read(string file, JsonObject template)
        {
            var output = new List<InputResource>();
            new Template(file).Read(template, "$", output);
            return output;
        }

        /// <summary>One template document; nested deployments' inner templates get their own (symbols are per template).</summary>
        private sealed class Template
        {
            private readonly string file;
            private readonly List<Declared> declared = new List<Declared>();
            private readonly Dictionary<string, Declared> symbols = new Dictionary<string, Declared>(StringComparer.OrdinalIgnoreCase);

            public Template(string file) => this.file = file;

            public void Read(JsonObject template, string path, List<InputResource> output)
            {
                Collect(template["resources"], path + ".resources", null);
                foreach (var d in declared)
                {
                    // An "existing" resource is only a reference (it may be a scope); this template does not define it.
                    if (d.Existing) continue;
                    output.Add(ToInput(d));
                    // Bicep modules compile to nested deployments carrying their own template.
                    if (Json.EqualsIgnoreCase(d.Type, DeploymentsType) && (d.Source["properties"] as JsonObject)?["template"] is JsonObject inner)
                        new Template(file).Read(inner, d.Path + ".properties.template", output);
                }
            }

            private void Collect(JsonNode? resources, string path, Declared? parent)
            {
                switch (resources)
                {
                    case null:
                        return;
                    case JsonArray array:
                        for (var i = 0; i < array.Count; i++) Declare(array[i], $"{path}[{i}]", parent, null);
                        return;
                    case JsonObject bySymbol:
                        foreach (var p in bySymbol) Declare(p.Value, $"{path}['{p.Key.Replace("\\", "\\\\").Replace("'", "\\'")}']", parent, p.Key);
                        return;
                    default:
                        throw new OfflineInputException(file, path, "'resources' must be an array, or an object keyed by symbolic name.");
                }
            }

            private void Declare(JsonNode? node, string path, Declared? parent, string? symbol)
            {
                if (!(node is JsonObject source)) throw new OfflineInputException(file, path, "expected a template resource object.");
                var type = Json.StringOnly(source["type"]) ?? throw new OfflineInputException(file, path, "a template resource needs a 'type'.");
                var name = Json.StringOnly(source["name"]) ?? throw new OfflineInputException(file, path, "a template resource needs a 'name'.");

                // A nested child may write its type short ("deployments") and its name short ("d1"); resolve both.
                var fullType = parent == null || IsQualified(type) ? type : parent.Type + "/" + type;
                var names = SplitName(name);
                if (parent != null && names.Count < fullType.Split('/').Length - 1) names = parent.Names.Concat(names).ToList();

                var d = new Declared(path, source, parent, fullType, names, Json.StringOnly(source["scope"]), Json.Bool(source["existing"]) == true);
                declared.Add(d);
                if (symbol != null) symbols[symbol] = d;
                Collect(source["resources"], path + ".resources", d);
            }

            private InputResource ToInput(Declared d)
            {
                var id = IdOf(d);
                var type = ResolvedType(d.Type, d.Names);
                var name = d.Names[d.Names.Count - 1];
                var json = new JsonObject { ["id"] = id, ["name"] = name, ["type"] = type };
                foreach (var p in d.Source)
                {
                    if (!DeploymentOnly.Contains(p.Key)) json[p.Key] = Literal(p.Value);
                }
                return new InputResource(id, type, name, json, new SourceLocation(file, d.Path));
            }

            private string IdOf(Declared d)
            {
                if (d.Id == null)
                {
                    // Guards a scope that names itself, directly or through another scoped resource.
                    d.Resolving = true;
                    d.Id = BuildId(ScopeOf(d), d.Type, d.Names);
                    d.Resolving = false;
                }
                return d.Id;
            }

            private string ScopeOf(Declared d)
            {
                if (d.Parent != null) return ScopeOf(d.Parent);
                if (d.Scope == null) return ResourceGroupId;
                // An unresolved scope stays its text: the id then nests under nothing rather than under a wrong parent.
                return ResolveScope(d.Scope) ?? d.Scope;
            }

            /// <summary>The id an extension resource's "scope" names, read from the literal text; null when it needs evaluation.</summary>
            private string? ResolveScope(string scope)
            {
                if (symbols.TryGetValue(scope, out var target) && !target.Resolving) return IdOf(target);
                if (!IsExpression(scope))
                {
                    var literal = Unescape(scope);
                    return literal.StartsWith("/", StringComparison.Ordinal) ? literal : RelativeId(literal.Split('/'));
                }
                if (!TryParseCall(scope, out var function, out var args)) return null;
                return Json.EqualsIgnoreCase(function, "resourceId") ? ResourceIdCall(args) : RelativeId(Segments(function, args));
            }
        }

        /// <summary>
        /// The synthetic id a template reference names when it can be read from the text alone, e.g. a private endpoint's
        /// privateLinkServiceId "[resourceId('Microsoft.CognitiveServices/accounts', 'acct')]"; null when it needs evaluation.
        /// </summary>
        public static string? ReferencedId(string reference)
        {
            if (!IsExpression(reference) || !TryParseCall(reference, out var function, out var args)) return null;
            return Json.EqualsIgnoreCase(function, "resourceId") ? ResourceIdCall(args) : null;
        }

        private sealed class Declared
        {
            public Declared(string path, JsonObject source, Declared? parent, string type, IReadOnlyList<string> names, string? scope, bool existing)
            {
                Path = path;
                Source = source;
                Parent = parent;
                Type = type;
                Names = names;
                Scope = scope;
                Existing = existing;
            }

            public string Path { get; }
            public JsonObject Source { get; }
            public Declared? Parent { get; }
            /// <summary>The full type as written, e.g. Microsoft.CognitiveServices/accounts/deployments.</summary>
            public string Type { get; }
            /// <summary>One name per type segment after the namespace; an expression segment is its "[...]" text.</summary>
            public IReadOnlyList<string> Names { get; }
            public string? Scope { get; }
            public bool Existing { get; }
            public string? Id { get; set; }
            public bool Resolving { get; set; }
        }

        // "Microsoft.X/a/b" is qualified; a nested resource may write "b" or "providers/diagnosticSettings".
        private static bool IsQualified(string type) => type.Split('/')[0].IndexOf('.') >= 0;

        /// <summary>{scope}/providers/{namespace}/{type1}/{name1}/{type2}/{name2}...</summary>
        private static string BuildId(string scope, string type, IReadOnlyList<string> names)
        {
            var types = type.Split('/');
            var id = new StringBuilder(scope.TrimEnd('/')).Append("/providers/").Append(types[0]);
            if (names.Count != types.Length - 1)
            {
                // A name that could not be split by segment is not interleaved, so the id nests under nothing it should not.
                return id.Append('/').Append(string.Join("/", types.Skip(1))).Append('/').Append(string.Join("/", names)).ToString();
            }
            for (var i = 0; i < names.Count; i++)
            {
                id.Append('/').Append(types[i + 1]).Append('/').Append(names[i]);
            }
            return id.ToString();
        }

        /// <summary>
        /// The legacy form of an extension resource, type "Microsoft.X/accounts/providers/diagnosticSettings" with name
        /// "acct/Microsoft.Insights/diag", is the resource Microsoft.Insights/diagnosticSettings.
        /// </summary>
        private static string ResolvedType(string type, IReadOnlyList<string> names)
        {
            var types = type.Split('/');
            var providers = Array.FindIndex(types, 1, t => Json.EqualsIgnoreCase(t, "providers"));
            if (providers < 0 || names.Count != types.Length - 1 || providers + 1 >= types.Length) return type;
            return names[providers - 1] + "/" + string.Join("/", types.Skip(providers + 1));
        }

        /// <summary>A relative id "Namespace/type/name[/type/name]" as segments, placed in the template's resource group.</summary>
        private static string? RelativeId(IReadOnlyList<string>? segments)
        {
            if (segments == null || segments.Count < 3 || segments.Count % 2 == 0 || segments.Any(s => s.Length == 0)) return null;
            var type = string.Join("/", segments.Where((_, i) => i == 0 || i % 2 == 1));
            return BuildId(ResourceGroupId, type, segments.Where((_, i) => i > 0 && i % 2 == 0).ToList());
        }

        /// <summary>resourceId([subscriptionId,] [resourceGroupName,] type, name1[, name2...]): the type is the first literal with a '/'.</summary>
        private static string? ResourceIdCall(IReadOnlyList<string> args)
        {
            var pieces = args.Select(Piece.Of).ToList();
            var typeAt = pieces.FindIndex(p => !p.IsExpression && p.Text.IndexOf('/') >= 0);
            if (typeAt < 0) return null;
            var type = pieces[typeAt].Text;
            var nameParts = new List<Piece>();
            foreach (var p in pieces.Skip(typeAt + 1))
            {
                if (nameParts.Count > 0) nameParts.Add(Piece.Literal("/"));
                nameParts.Add(p);
            }
            var names = SegmentsOf(nameParts);
            return names != null && names.Count == type.Split('/').Length - 1 ? BuildId(ResourceGroupId, type, names) : null;
        }

        /// <summary>A name split into segments: "a/b" literally; "[format('{0}/{1}', x, 'b')]" and concat(...) by their parts.</summary>
        private static IReadOnlyList<string> SplitName(string name)
        {
            if (!IsExpression(name)) return Unescape(name).Split('/');
            return TryParseCall(name, out var function, out var args) ? Segments(function, args) ?? new[] { name } : new[] { name };
        }

        /// <summary>The '/'-separated segments a format() or concat() call builds, or null when a segment mixes text and expressions.</summary>
        private static IReadOnlyList<string>? Segments(string function, IReadOnlyList<string> args)
        {
            if (Json.EqualsIgnoreCase(function, "concat")) return SegmentsOf(args.Select(Piece.Of));
            if (!Json.EqualsIgnoreCase(function, "format") || args.Count == 0) return null;
            var format = Piece.Of(args[0]);
            if (format.IsExpression) return null;

            var pieces = new List<Piece>();
            var text = format.Text;
            var literalStart = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] != '{') continue;
                var close = text.IndexOf('}', i);
                // Only plain "{n}" placeholders; "{{" escapes and "{0:fmt}" would need formatting rules.
                if (close < 0 || !int.TryParse(text.Substring(i + 1, close - i - 1), out var n) || n < 0 || n + 1 >= args.Count) return null;
                pieces.Add(Piece.Literal(text.Substring(literalStart, i - literalStart)));
                pieces.Add(Piece.Of(args[n + 1]));
                i = close;
                literalStart = close + 1;
            }
            pieces.Add(Piece.Literal(text.Substring(literalStart)));
            return SegmentsOf(pieces);
        }

        private static IReadOnlyList<string>? SegmentsOf(IEnumerable<Piece> pieces)
        {
            var segments = new List<string>();
            var current = new StringBuilder();
            var endsInExpression = false;
            foreach (var piece in pieces)
            {
                if (piece.IsExpression)
                {
                    // An expression must fill its segment: "[x]-suffix" has no single text to compare with other names.
                    if (current.Length > 0) return null;
                    current.Append('[').Append(piece.Text).Append(']');
                    endsInExpression = true;
                    continue;
                }
                var parts = piece.Text.Split('/');
                for (var i = 0; i < parts.Length; i++)
                {
                    if (i > 0)
                    {
                        segments.Add(current.ToString());
                        current.Clear();
                        endsInExpression = false;
                    }
                    if (parts[i].Length == 0) continue;
                    if (endsInExpression) return null;
                    current.Append(parts[i]);
                }
            }
            segments.Add(current.ToString());
            return segments.Any(s => s.Length == 0) ? null : segments;
        }

        /// <summary>
        /// Splits "[name(arg, arg, ...)]" into the function name and its top-level argument texts. False for anything
        /// else, e.g. a property access after the call ("[reference('x').id]").
        /// </summary>
        private static bool TryParseCall(string expression, out string function, out List<string> args)
        {
            function = string.Empty;
            args = new List<string>();
            var text = expression.Substring(1, expression.Length - 2).Trim();
            var open = text.IndexOf('(');
            if (open <= 0) return false;
            function = text.Substring(0, open).Trim();
            if (!function.All(char.IsLetterOrDigit)) return false;

            var depth = 0;
            var start = open + 1;
            var inString = false;
            for (var i = start; i < text.Length; i++)
            {
                var c = text[i];
                if (inString)
                {
                    // '' is an escaped quote inside a string literal.
                    if (c == '\'' && !(i + 1 < text.Length && text[i + 1] == '\'')) inString = false;
                    else if (c == '\'') i++;
                    continue;
                }
                switch (c)
                {
                    case '\'':
                        inString = true;
                        break;
                    case '(':
                    case '[':
                        depth++;
                        break;
                    case ']' when depth > 0:
                    case ')' when depth > 0:
                        depth--;
                        break;
                    case ',' when depth == 0:
                        args.Add(text.Substring(start, i - start).Trim());
                        start = i + 1;
                        break;
                    case ')':
                        var last = text.Substring(start, i - start).Trim();
                        if (args.Count > 0 || last.Length > 0) args.Add(last);
                        return i == text.Length - 1;
                }
            }
            return false;
        }

        /// <summary>A part of a built string: literal text, or an expression kept as its text.</summary>
        private readonly struct Piece
        {
            private Piece(string text, bool isExpression)
            {
                Text = text;
                IsExpression = isExpression;
            }

            public string Text { get; }
            public bool IsExpression { get; }

            public static Piece Literal(string text) => new Piece(text, false);

            /// <summary>An argument: a whole 'string literal' becomes its text, anything else stays an expression.</summary>
            public static Piece Of(string arg)
            {
                if (arg.Length < 2 || arg[0] != '\'' || arg[arg.Length - 1] != '\'') return new Piece(arg, true);
                var inner = arg.Substring(1, arg.Length - 2);
                for (var i = 0; i < inner.Length; i++)
                {
                    if (inner[i] != '\'') continue;
                    // An undoubled quote ends the literal early: 'a' == 'b' is an expression.
                    if (i + 1 >= inner.Length || inner[i + 1] != '\'') return new Piece(arg, true);
                    i++;
                }
                return new Piece(inner.Replace("''", "'"), false);
            }
        }

        /// <summary>ARM's rule: "[...]" is an expression, except "[[...]" which is the literal "[...]".</summary>
        private static bool IsExpression(string s) => s.Length >= 2 && s[0] == '[' && s[s.Length - 1] == ']' && s[1] != '[';

        private static string Unescape(string s) => s.Length >= 2 && s[0] == '[' && s[1] == '[' && s[s.Length - 1] == ']' ? s.Substring(1) : s;

        /// <summary>A copy with "[[" escapes undone and expressions kept as their text.</summary>
        private static JsonNode? Literal(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    return new JsonObject(o.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Literal(p.Value))));
                case JsonArray a:
                    return new JsonArray(a.Select(Literal).ToArray());
                case JsonValue v when v.TryGetValue(out string? s):
                    return JsonValue.Create(Unescape(s));
                default:
                    return node?.DeepClone();
            }
        }
    }
}
