using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// What ARM does to a resource's <c>identity</c> on a write: enabling a system-assigned identity mints a principal
/// (kept across later updates), disabling it removes the principal; user-assigned entries get their ids filled.
/// </summary>
internal static class ManagedIdentity
{
    /// <summary>Read-only identity fields a client may echo back; writes ignore them.</summary>
    public static readonly string[] ReadOnlyPaths = ["identity.principalId", "identity.tenantId"];

    public static void Assign(JsonObject body, JsonObject? previousBody, string tenantId)
    {
        if (body["identity"] is not JsonObject identity)
            return;
        var previous = previousBody?["identity"] as JsonObject;
        var type = identity.StringAt("type") ?? "None";

        if (type.Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase))
        {
            identity["principalId"] = identity.StringAt("principalId") ?? previous.StringAt("principalId") ?? Guid.NewGuid().ToString();
            identity["tenantId"] = tenantId;
        }
        else
        {
            identity.Remove("principalId");
            identity.Remove("tenantId");
        }

        if (!type.Contains("UserAssigned", StringComparison.OrdinalIgnoreCase))
        {
            identity.Remove("userAssignedIdentities");
            return;
        }
        if (identity["userAssignedIdentities"] is not JsonObject assigned)
            return;
        var previousAssigned = previous?["userAssignedIdentities"] as JsonObject;
        foreach (var (resourceId, _) in assigned.ToList())
        {
            var known = previousAssigned?[resourceId] as JsonObject;
            assigned[resourceId] = new JsonObject
            {
                ["principalId"] = known.StringAt("principalId") ?? Guid.NewGuid().ToString(),
                ["clientId"] = known.StringAt("clientId") ?? Guid.NewGuid().ToString(),
            };
        }
    }
}
