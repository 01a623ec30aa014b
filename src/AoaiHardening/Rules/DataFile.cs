using System.Collections;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// JSON baseline and waiver files as the same shapes Import-PowerShellDataFile gives for .psd1 (case-insensitive
    /// hashtables, arrays, strings, numbers, booleans). Done here, not with ConvertFrom-Json -AsHashtable, which
    /// Windows PowerShell 5.1 lacks.
    /// </summary>
    internal static class DataFile
    {
        public static object? FromJson(string text) =>
            Convert(JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }));

        private static object? Convert(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    var table = new Hashtable(System.StringComparer.OrdinalIgnoreCase);
                    foreach (var property in obj) table[property.Key] = Convert(property.Value);
                    return table;
                case JsonArray array:
                    return array.Select(Convert).ToArray();
                case JsonValue value:
                    if (value.TryGetValue(out bool b)) return b;
                    if (value.TryGetValue(out long l)) return l;
                    if (value.TryGetValue(out double d)) return d;
                    return Json.Str(value);
                default:
                    return null;
            }
        }
    }
}
