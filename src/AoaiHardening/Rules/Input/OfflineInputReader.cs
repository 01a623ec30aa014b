using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Rules.Input
{
    /// <summary>Offline input that cannot be read: the message names the file and, where known, the JSONPath.</summary>
    internal sealed class OfflineInputException : Exception
    {
        public OfflineInputException(string file, string? jsonPath, string message, Exception? innerException = null)
            : base(jsonPath == null ? $"{file}: {message}" : $"{file} at {jsonPath}: {message}", innerException)
        {
            File = file;
            JsonPath = jsonPath;
        }

        public string File { get; }
        public string? JsonPath { get; }
    }

    /// <summary>
    /// Reads resources from JSON files written by ARM REST calls, Resource Graph, <c>Get-AzResource | ConvertTo-Json</c>
    /// or ARM/Bicep-compiled templates, and normalises each to the ARM REST shape. The shape is detected per document.
    /// </summary>
    internal static class OfflineInputReader
    {
        // Hand-edited files and ConvertTo-Json output are read leniently; a BOM is skipped by the parser itself.
        // A repeated property name is refused while parsing: JsonObject would otherwise throw on first access, in a rule.
        private static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            AllowDuplicateProperties = false,
        };

        /// <summary>
        /// Every resource in the given files and folders (folders: every *.json below, recursively, in ordinal path
        /// order). Paths are checked when called; files are then read one at a time as the result is enumerated.
        /// </summary>
        /// <exception cref="OfflineInputException">A path is missing, or a file is not JSON or not a known shape.</exception>
        public static IEnumerable<InputResource> Read(IEnumerable<string> paths)
        {
            if (paths == null) throw new ArgumentNullException(nameof(paths));
            return ResolveFiles(paths).SelectMany(ReadFile);
        }

        private static List<string> ResolveFiles(IEnumerable<string> paths)
        {
            var files = new List<string>();
            // A file named directly and again through its folder is read once.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in paths)
            {
                foreach (var file in FilesAt(path))
                {
                    if (seen.Add(file)) files.Add(file);
                }
            }
            return files;
        }

        private static IEnumerable<string> FilesAt(string path)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new OfflineInputException("(empty path)", null, "an input path is empty.");
            try
            {
                var full = Path.GetFullPath(path);
                if (File.Exists(full)) return new[] { full };
                if (!Directory.Exists(full)) throw new OfflineInputException(full, null, "no such file or folder.");
                return Directory.EnumerateFiles(full, "*.json", SearchOption.AllDirectories)
                    // On .NET Framework the pattern also matches 8.3 short names; keep exactly the *.json files.
                    .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(f => f, StringComparer.Ordinal)
                    .ToList();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                throw new OfflineInputException(path, null, ex.Message, ex);
            }
        }

        // One file is parsed and converted as a whole, so that errors surface with the file named; files are not
        // read before the resources of earlier files have been consumed.
        private static List<InputResource> ReadFile(string file)
        {
            JsonNode? root;
            try
            {
                using (var stream = File.OpenRead(file))
                {
                    root = JsonNode.Parse(stream, documentOptions: DocumentOptions);
                }
            }
            catch (JsonException ex)
            {
                // A repeated property name is reported without a position.
                var at = ex.LineNumber.HasValue ? $" (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})" : string.Empty;
                throw new OfflineInputException(file, ex.Path, $"not valid JSON{at}: {Reason(ex)}", ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new OfflineInputException(file, null, ex.Message, ex);
            }

            return ReadDocument(file, root);
        }

        private static List<InputResource> ReadDocument(string file, JsonNode? root)
        {
            switch (root)
            {
                case JsonArray array:
                    return Resources(file, array, "$");
                case JsonObject template when TemplateReader.IsTemplate(template):
                    return TemplateReader.Read(file, template);
                case JsonObject parameters when TemplateReader.IsParameterFile(parameters):
                    // Parameter files sit next to templates in the folders people point at; they declare no resources.
                    return new List<InputResource>();
                case JsonObject resource when IsResource(resource):
                    return new List<InputResource> { Resource(file, resource, "$") };
                case JsonObject list when list["value"] is JsonArray value:
                    return Resources(file, value, "$.value");
                case JsonObject graph when graph["data"] is JsonArray rows:
                    return Resources(file, rows, "$.data");
                case JsonObject graph when graph["data"] is JsonObject table:
                    return Resources(file, TableRows(file, table), "$.data.rows");
                default:
                    throw new OfflineInputException(file, "$",
                        "not a known input shape: expected a resource, an array of resources, a list response {\"value\": [...]}, " +
                        "a Resource Graph response {\"data\": ...}, Get-AzResource output or an ARM template.");
            }
        }

        private static bool IsResource(JsonObject o) =>
            o.ContainsKey("id") || o.ContainsKey("type") || o.ContainsKey("ResourceId") || o.ContainsKey("ResourceType") || o.ContainsKey("RoleAssignmentId");

        private static List<InputResource> Resources(string file, JsonArray array, string path)
        {
            var items = array.ToList();
            // Detached from the document, each resource keeps only its own subtree alive.
            array.Clear();
            var resources = new List<InputResource>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                resources.Add(Resource(file, items[i], $"{path}[{i}]"));
            }
            return resources;
        }

        private static InputResource Resource(string file, JsonNode? node, string path)
        {
            if (!(node is JsonObject json)) throw new OfflineInputException(file, path, "expected a resource object.");
            if (json.ContainsKey("RoleAssignmentId")) json = GetAzRoleAssignment.ToRest(json);
            else if (json.ContainsKey("ResourceId") || json.ContainsKey("ResourceType")) json = GetAzResource.ToRest(json);

            var id = Json.StringOnly(json["id"]);
            var type = Json.StringOnly(json["type"]) ?? (id == null ? null : ResourceIds.TypeOf(id));
            if (type == null)
                throw new OfflineInputException(file, path, "a resource needs a 'type', or an 'id' that names its provider.");
            var name = Json.StringOnly(json["name"]) ?? (id == null ? string.Empty : ResourceIds.LastSegment(id));
            return new InputResource(id ?? string.Empty, type, ResourceIds.LastSegment(name), json, new SourceLocation(file, path));
        }

        // Resource Graph "table" format: {"columns": [{"name", "type"}], "rows": [[...]]}; each row becomes an object.
        private static JsonArray TableRows(string file, JsonObject table)
        {
            if (!(table["columns"] is JsonArray columns) || !(table["rows"] is JsonArray rows))
                throw new OfflineInputException(file, "$.data", "a Resource Graph table needs 'columns' and 'rows' arrays.");
            var names = columns.Select((c, i) => Json.StringOnly((c as JsonObject)?["name"])
                ?? throw new OfflineInputException(file, $"$.data.columns[{i}]", "a column needs a 'name'.")).ToList();

            var objects = new JsonArray();
            for (var r = 0; r < rows.Count; r++)
            {
                if (!(rows[r] is JsonArray row) || row.Count != names.Count)
                    throw new OfflineInputException(file, $"$.data.rows[{r}]", $"a row needs {names.Count} values, one per column.");
                var cells = row.ToList();
                row.Clear();
                objects.Add(new JsonObject(names.Zip(cells, (n, v) => new KeyValuePair<string, JsonNode?>(n, v))));
            }
            return objects;
        }

        private static string Reason(JsonException ex)
        {
            // The parser appends its own 0-based "[Path: … |] LineNumber: … | BytePositionInLine: …"; ours is 1-based.
            var cut = new[] { " Path: ", " LineNumber: " }
                .Select(marker => ex.Message.IndexOf(marker, StringComparison.Ordinal))
                .Where(at => at > 0)
                .DefaultIfEmpty(ex.Message.Length)
                .Min();
            return ex.Message.Substring(0, cut);
        }

        /// <summary>
        /// Get-AzRoleAssignment objects (PSRoleAssignment: RoleAssignmentId, Scope, RoleDefinitionId as a GUID, ObjectId,
        /// ObjectType) mapped to the ARM REST shape, so `Get-AzRoleAssignment | ConvertTo-Json` is input like any other.
        /// </summary>
        private static class GetAzRoleAssignment
        {
            public static JsonObject ToRest(JsonObject ps)
            {
                var id = Json.StringOnly(ps["RoleAssignmentId"]) ?? string.Empty;
                var properties = new JsonObject
                {
                    ["roleDefinitionId"] = Json.StringOnly(ps["RoleDefinitionId"]),
                    ["principalId"] = Json.StringOnly(ps["ObjectId"]),
                    ["principalType"] = Json.StringOnly(ps["ObjectType"]),
                    ["scope"] = Json.StringOnly(ps["Scope"]),
                    ["description"] = Json.StringOnly(ps["Description"]),
                    ["condition"] = Json.StringOnly(ps["Condition"]),
                };
                return new JsonObject
                {
                    ["id"] = id,
                    ["name"] = Json.StringOnly(ps["RoleAssignmentName"]) ?? ResourceIds.LastSegment(id),
                    ["type"] = "Microsoft.Authorization/roleAssignments",
                    ["properties"] = properties,
                };
            }
        }

        /// <summary>Get-AzResource objects (PascalCase PSResource members) mapped to the ARM REST shape.</summary>
        private static class GetAzResource
        {
            // Az.Resources serialises identity.type from the generic-resource SDK enum ResourceIdentityType, which
            // ConvertTo-Json writes as its number unless -EnumsAsStrings is given; the order follows the swagger enum.
            private static readonly string[] IdentityTypes = { "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None" };

            public static JsonObject ToRest(JsonObject ps)
            {
                var rest = new JsonObject();
                Put(rest, "id", Take(ps, "ResourceId") ?? Take(ps, "Id"));
                Put(rest, "name", Take(ps, "Name") ?? Take(ps, "ResourceName"));
                Put(rest, "type", Take(ps, "ResourceType") ?? Take(ps, "Type"));
                Put(rest, "kind", Take(ps, "Kind"));
                Put(rest, "location", Take(ps, "Location"));
                Put(rest, "sku", CamelCase(Take(ps, "Sku")));
                Put(rest, "tags", Take(ps, "Tags"));
                Put(rest, "identity", Identity(Take(ps, "Identity")));
                // The properties object is ARM's own JSON: its names are already camelCase.
                Put(rest, "properties", Take(ps, "Properties"));
                Put(rest, "etag", Take(ps, "ETag"));
                return rest;
            }

            private static JsonNode? Identity(JsonNode? node)
            {
                if (!(CamelCase(node) is JsonObject identity)) return node;
                if (identity["type"] is JsonValue type && type.TryGetValue(out int index) && index >= 0 && index < IdentityTypes.Length)
                    identity["type"] = IdentityTypes[index];
                // Keys are identity resource ids (kept); the values are PascalCase {PrincipalId, ClientId}.
                if (identity["userAssignedIdentities"] is JsonObject assigned)
                {
                    foreach (var key in assigned.Select(p => p.Key).ToList())
                    {
                        assigned[key] = CamelCase(Take(assigned, key));
                    }
                }
                return identity;
            }

            private static JsonNode? CamelCase(JsonNode? node)
            {
                if (!(node is JsonObject o)) return node;
                var camel = new JsonObject();
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var name = key.Length == 0 ? key : char.ToLowerInvariant(key[0]) + key.Substring(1);
                    camel[name] = Take(o, key);
                }
                return camel;
            }

            private static JsonNode? Take(JsonObject o, string key) =>
                o.TryGetPropertyValue(key, out var value) && o.Remove(key) ? value : null;

            private static void Put(JsonObject o, string key, JsonNode? value)
            {
                if (value != null) o[key] = value;
            }
        }
    }

    /// <summary>Text operations on ARM resource ids; ids compare case-insensitively and ignore a trailing '/'.</summary>
    internal static class ResourceIds
    {
        public static string Key(string id) => id.TrimEnd('/');

        public static string LastSegment(string name)
        {
            var trimmed = name.TrimEnd('/');
            return trimmed.Substring(trimmed.LastIndexOf('/') + 1);
        }

        /// <summary>The type named by the last ".../providers/{namespace}/{type}/{name}[/{type}/{name}]..." of an id, or null.</summary>
        public static string? TypeOf(string id)
        {
            var segments = Key(id).Split('/');
            var providers = Array.FindLastIndex(segments, s => Json.EqualsIgnoreCase(s, "providers"));
            if (providers < 0 || segments.Length < providers + 4) return null;
            var type = segments[providers + 1];
            for (var i = providers + 2; i < segments.Length; i += 2)
            {
                type += "/" + segments[i];
            }
            return type;
        }
    }
}
