using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>JSON helpers for ARM bodies: merge-patch for PATCH, and dropping the read-only fields a client echoes back.</summary>
internal static class JsonMerge
{
    /// <summary>
    /// RFC 7396 merge patch, which is what ARM PATCH means: objects merge recursively, arrays and scalars replace,
    /// null removes. Fields the patch does not name (including ones the emulator does not know) are kept.
    /// </summary>
    public static void Apply(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
                target.Remove(name);
            else if (value is JsonObject patchObject)
            {
                // Merged into an empty object when the target has none, so nulls inside still mean "absent" (RFC 7396).
                if (target[name] is not JsonObject targetObject)
                    target[name] = targetObject = new JsonObject();
                Apply(targetObject, patchObject);
            }
            else
                target[name] = value.DeepClone();
        }
    }

    /// <summary>Removes dotted paths such as <c>properties.endpoint</c>; missing paths are ignored.</summary>
    public static JsonObject Without(this JsonObject obj, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var parts = path.Split('.');
            var parent = obj;
            for (var i = 0; i < parts.Length - 1 && parent is not null; i++)
                parent = parent[parts[i]] as JsonObject;
            parent?.Remove(parts[^1]);
        }
        return obj;
    }

    /// <summary>The object at <paramref name="name"/>, created (appended) when absent or not an object.</summary>
    public static JsonObject ObjectAt(this JsonObject obj, string name)
    {
        if (obj[name] is JsonObject existing)
            return existing;
        var created = new JsonObject();
        obj[name] = created;
        return created;
    }

    public static string? StringAt(this JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}
