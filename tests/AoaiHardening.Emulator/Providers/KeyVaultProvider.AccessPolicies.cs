using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Vaults_UpdateAccessPolicy: <c>PUT {vault}/accessPolicies/{add|replace|remove}</c>. An entry is identified by
/// tenantId + objectId (+ applicationId); add unions permissions into it (creating it), replace sets them, remove takes
/// the listed ones away and drops an entry left with none. The answer lists the vault's whole policy list afterwards.
/// </summary>
internal sealed partial class KeyVaultProvider
{
    private const string AccessPoliciesType = VaultType + "/accessPolicies";
    private static readonly string[] OperationKinds = ["add", "replace", "remove"];

    /// <summary>The permission enums of arm-api.md §2, in their documented spelling (compared case-insensitively).</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> PermissionNames = new Dictionary<string, string[]>
    {
        ["keys"] = ["all", "encrypt", "decrypt", "wrapKey", "unwrapKey", "sign", "verify", "get", "list", "create", "update", "import",
                    "delete", "backup", "restore", "recover", "purge", "release", "rotate", "getrotationpolicy", "setrotationpolicy"],
        ["secrets"] = ["all", "get", "list", "set", "delete", "backup", "restore", "recover", "purge"],
        ["certificates"] = ["all", "get", "list", "delete", "create", "import", "update", "managecontacts", "getissuers", "listissuers",
                            "setissuers", "deleteissuers", "manageissuers", "recover", "purge", "backup", "restore"],
        ["storage"] = ["all", "get", "list", "delete", "set", "update", "regeneratekey", "recover", "purge", "backup", "restore",
                       "setsas", "listsas", "getsas", "deletesas"],
    };

    private ArmReply UpdateAccessPolicies(HttpContext ctx)
    {
        var kind = OperationKinds.FirstOrDefault(k => k.Equals(Route(ctx, "operationKind"), StringComparison.OrdinalIgnoreCase))
            ?? throw ArmErrors.BadRequest("BadRequest",
                $"The access policy operation '{Route(ctx, "operationKind")}' is invalid; it must be one of 'add', 'replace' or 'remove'.");
        var vault = FindVault(ctx);
        var requested = ParsePolicies(RequestBody.RequireObject(ctx)["properties"]?["accessPolicies"]
            ?? throw ArmErrors.BadRequest("BadRequest", "The request must carry properties.accessPolicies (an array of access policy entries)."));
        var policies = ParsePolicies(vault.Body["properties"]?["accessPolicies"] ?? new JsonArray());
        foreach (var entry in requested.Entries)
        {
            var current = policies.Entries.FirstOrDefault(e => e.SameIdentity(entry));
            switch (kind)
            {
                case "add" when current is null:
                case "replace" when current is null:
                    policies.Entries.Add(entry);
                    break;
                case "add":
                    current!.Union(entry);
                    break;
                case "replace":
                    current!.Permissions.Clear();
                    foreach (var (category, names) in entry.Permissions)
                        current.Permissions[category] = [.. names];
                    break;
                case "remove" when current is not null:
                    current.Subtract(entry);
                    if (current.Permissions.Values.All(p => p.Count == 0))
                        policies.Entries.Remove(current);
                    break;
            }
        }
        var body = (JsonObject)vault.Body.DeepClone();
        body.ObjectAt("properties")["accessPolicies"] = policies.Render();
        vault.Body = body;
        vault.Touch();
        return new ArmReply(200, new JsonObject
        {
            ["id"] = $"{vault.Id}/accessPolicies/{kind}",
            ["type"] = AccessPoliciesType,
            ["properties"] = new JsonObject { ["accessPolicies"] = policies.Render() },
        });
    }

    /// <summary>Reads (and checks) an accessPolicies array: 400 on a non-GUID id or an unknown permission.</summary>
    internal static AccessPolicyList ParsePolicies(JsonNode node)
    {
        if (node is not JsonArray array)
            throw ArmErrors.BadRequest("BadRequest", "accessPolicies must be an array of access policy entries.");
        var list = new AccessPolicyList();
        foreach (var (item, index) in array.Select((item, index) => (item, index)))
        {
            if (item is not JsonObject entry)
                throw ArmErrors.BadRequest("BadRequest", $"accessPolicies[{index}] must be an object.");
            string Guid(string field, bool required)
            {
                var value = entry.StringAt(field);
                if (value is null && !required)
                    return null!;
                if (!System.Guid.TryParse(value, out _))
                    throw ArmErrors.BadRequest("BadRequest",
                        $"accessPolicies[{index}].{field} '{entry[field]?.ToJsonString() ?? "(missing)"}' is invalid: a GUID is required.");
                return value!;
            }
            var parsed = new AccessPolicyEntry(Guid("tenantId", true), Guid("objectId", true), Guid("applicationId", false));
            if (entry["permissions"] is not JsonObject permissions)
                throw ArmErrors.BadRequest("BadRequest", $"accessPolicies[{index}].permissions is required (keys, secrets, certificates, storage).");
            foreach (var (category, names) in permissions)
            {
                var known = PermissionNames.Keys.FirstOrDefault(k => k.Equals(category, StringComparison.OrdinalIgnoreCase))
                    ?? throw ArmErrors.BadRequest("BadRequest",
                        $"accessPolicies[{index}].permissions.{category} is not a permission category (keys, secrets, certificates, storage).");
                var set = new List<string>();
                foreach (var name in names as JsonArray ?? [])
                {
                    var text = (name as JsonValue)?.TryGetValue<string>(out var s) == true ? s : name?.ToJsonString();
                    var canonical = PermissionNames[known].FirstOrDefault(p => p.Equals(text, StringComparison.OrdinalIgnoreCase))
                        ?? throw ArmErrors.BadRequest("BadRequest",
                            $"accessPolicies[{index}].permissions.{known} contains '{text}', which is not a valid {known} permission. " +
                            $"Valid values: {string.Join(", ", PermissionNames[known])}.");
                    if (!set.Contains(canonical, StringComparer.OrdinalIgnoreCase))
                        set.Add(canonical);
                }
                parsed.Permissions[known] = set;
            }
            // The same identity twice in one list: merged, as the service keeps one entry per identity.
            if (list.Entries.FirstOrDefault(e => e.SameIdentity(parsed)) is { } twin)
                twin.Union(parsed);
            else
                list.Entries.Add(parsed);
        }
        return list;
    }
}

internal sealed class AccessPolicyList
{
    public List<AccessPolicyEntry> Entries { get; } = [];

    public JsonArray Render() => new([.. Entries.Select(e => (JsonNode)e.Render())]);
}

/// <summary>One vault access policy entry; categories in the order keys, secrets, certificates, storage.</summary>
internal sealed record AccessPolicyEntry(string TenantId, string ObjectId, string? ApplicationId)
{
    public Dictionary<string, List<string>> Permissions { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool SameIdentity(AccessPolicyEntry other) =>
        TenantId.Equals(other.TenantId, StringComparison.OrdinalIgnoreCase)
        && ObjectId.Equals(other.ObjectId, StringComparison.OrdinalIgnoreCase)
        && string.Equals(ApplicationId ?? "", other.ApplicationId ?? "", StringComparison.OrdinalIgnoreCase);

    public void Union(AccessPolicyEntry other)
    {
        foreach (var (category, names) in other.Permissions)
        {
            var mine = Permissions.TryGetValue(category, out var existing) ? existing : Permissions[category] = [];
            mine.AddRange(names.Where(n => !mine.Contains(n, StringComparer.OrdinalIgnoreCase)));
        }
    }

    public void Subtract(AccessPolicyEntry other)
    {
        foreach (var (category, names) in other.Permissions)
            if (Permissions.TryGetValue(category, out var mine))
                mine.RemoveAll(n => names.Contains(n, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>True when the category grants every one of <paramref name="names"/> (or "all").</summary>
    public bool Grants(string category, params string[] names) =>
        Permissions.TryGetValue(category, out var mine)
        && (mine.Contains("all", StringComparer.OrdinalIgnoreCase) || names.All(n => mine.Contains(n, StringComparer.OrdinalIgnoreCase)));

    public JsonObject Render()
    {
        var permissions = new JsonObject();
        // keys, secrets and certificates always (as the examples show them), storage only when it grants something.
        foreach (var category in KeyVaultProvider.PermissionNames.Keys)
        {
            var names = Permissions.GetValueOrDefault(category) ?? [];
            if (names.Count > 0 || category != "storage")
                permissions[category] = new JsonArray([.. names.Select(n => (JsonNode)n)]);
        }
        var entry = new JsonObject { ["tenantId"] = TenantId, ["objectId"] = ObjectId };
        if (ApplicationId is not null)
            entry["applicationId"] = ApplicationId;
        entry["permissions"] = permissions;
        return entry;
    }
}
