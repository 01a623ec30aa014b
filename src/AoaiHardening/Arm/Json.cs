using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace AoaiHardening.Arm
{
    /// <summary>Tolerant readers for ARM JSON: enum casing and value kinds vary between RPs and api-versions.</summary>
    internal static class Json
    {
        public static string? Str(JsonNode? node) => node is JsonValue v
            ? (v.TryGetValue(out string? s) ? s : v.ToJsonString())
            : null;

        /// <summary>A JSON string's value; null for anything else (numbers, objects, absent). For names, ids and types.</summary>
        public static string? StringOnly(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

        /// <summary>A boolean, also when an RP sends "true"/"false" as a string.</summary>
        public static bool? Bool(JsonNode? node)
        {
            if (!(node is JsonValue v)) return null;
            if (v.TryGetValue(out bool b)) return b;
            if (v.TryGetValue(out string? s) && bool.TryParse(s, out var parsed)) return parsed;
            return null;
        }

        /// <summary>The non-empty strings of a JSON array (empty for anything else).</summary>
        public static string[] Strings(JsonNode? node) =>
            node is JsonArray array ? array.Select(Str).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray() : Array.Empty<string>();

        public static IEnumerable<JsonObject> Objects(JsonNode? node) =>
            node is JsonArray array ? array.OfType<JsonObject>() : Enumerable.Empty<JsonObject>();

        public static bool EqualsIgnoreCase(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
