using System;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// Reads properties of a resource the way the rules must: case-insensitive names, the documented default when a
    /// property is absent, and never a guess when a value (or a parent of it) is an unevaluated ARM template expression.
    /// </summary>
    internal sealed class AccountFacts
    {
        private readonly JsonObject _json;

        public AccountFacts(JsonObject json) => _json = json;

        /// <summary>A string property at a dotted path ("properties.networkAcls.defaultAction"), or the default when absent.</summary>
        public string? String(string path, string? whenAbsent = null)
        {
            var node = Node(path);
            if (node == null) return whenAbsent;
            var text = Json.Str(node);
            return string.IsNullOrEmpty(text) ? whenAbsent : text;
        }

        /// <summary>A boolean property; "true"/"false" strings accepted; absent → the default.</summary>
        public bool Bool(string path, bool whenAbsent)
        {
            var node = Node(path);
            if (node == null) return whenAbsent;
            return Json.Bool(node) ?? whenAbsent;
        }

        /// <summary>An array property, or null when absent.</summary>
        public JsonArray? Array(string path) => Node(path) as JsonArray;

        /// <summary>
        /// The node at the path (case-insensitive), null when absent. Throws <see cref="NotEvaluatedException"/> when the
        /// value or any object on the way to it is a template expression: the real value is only known at deployment.
        /// </summary>
        public JsonNode? Node(string path)
        {
            JsonNode? current = _json;
            var walked = string.Empty;
            foreach (var segment in path.Split('.'))
            {
                walked = walked.Length == 0 ? segment : walked + "." + segment;
                if (!(current is JsonObject obj)) return null;
                current = Find(obj, segment);
                if (current == null) return null;
                ThrowIfExpression(current, walked);
            }
            return current;
        }

        /// <summary>Checks one value read from inside an array (e.g. an ipRules entry).</summary>
        public static void ThrowIfExpression(JsonNode? node, string path)
        {
            if (IsExpression(node)) throw new NotEvaluatedException(path, Json.Str(node)!);
        }

        /// <summary>ARM template expressions are strings in brackets; "[[" is the escape for a literal '['.</summary>
        public static bool IsExpression(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue(out string? s) && s != null && s.Length >= 2 &&
            s[0] == '[' && s[s.Length - 1] == ']' && !s.StartsWith("[[", StringComparison.Ordinal);

        private static JsonNode? Find(JsonObject obj, string name)
        {
            if (obj.TryGetPropertyValue(name, out var exact)) return exact;
            foreach (var property in obj)
            {
                if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
            }
            return null;
        }
    }

    /// <summary>A rule read a value that is a template expression: the rule's status is NotEvaluated, never a guess.</summary>
    internal sealed class NotEvaluatedException : Exception
    {
        public NotEvaluatedException(string path, string expression)
            : base($"{path} is the template expression {expression}; its value is only known at deployment.")
        {
            Path = path;
            Expression = expression;
        }

        public string Path { get; }
        public string Expression { get; }
    }
}
