using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// What ARM does to a resource's <c>identity</c> on a write: enabling a system-assigned identity mints a principal
/// (kept across later updates), disabling it removes the principal; user-assigned entries must name existing
/// <c>Microsoft.ManagedIdentity/userAssignedIdentities</c> resources, whose principal and client ids they get.
/// </summary>
internal static class ManagedIdentity
{
    public const string UserAssignedType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    /// <summary>Read-only identity fields a client may echo back; writes ignore them.</summary>
    public static readonly string[] ReadOnlyPaths = ["identity.principalId", "identity.tenantId"];

    /// <param name="resourceId">The resource being written, for the error message.</param>
    /// <exception cref="ArmException">400 FailedIdentityOperation: a user-assigned identity that is not in the store.</exception>
    public static void Assign(JsonObject body, JsonObject? previousBody, string tenantId, string resourceId, ResourceStore resources)
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
        foreach (var (uaiId, value) in assigned.ToList())
        {
            // A null entry detaches the identity (merge patch removes it before this; a PUT may still carry one).
            if (value is null)
            {
                assigned.Remove(uaiId);
                continue;
            }
            var uai = resources.Find(uaiId);
            if (uai is null || !uai.Type.Equals(UserAssignedType, StringComparison.OrdinalIgnoreCase))
                throw new ArmException(400, "FailedIdentityOperation",
                    $"Identity operation for resource '{resourceId}' failed with error 'Failed to perform resource identity operation. " +
                    $"Status: 'NotFound'. Response: 'The user-assigned identity '{uaiId}' was not found.'.'.");
            var (principalId, clientId) = UserAssignedIds(uai.Id, uai.Body);
            assigned[uaiId] = new JsonObject { ["principalId"] = principalId, ["clientId"] = clientId };
        }
    }

    /// <summary>
    /// A user-assigned identity's principal and client ids: as the resource states them, else ids derived from its id,
    /// so a scenario that omits them still gets the same ids on every read and every attachment.
    /// </summary>
    public static (string PrincipalId, string ClientId) UserAssignedIds(string id, JsonObject body) =>
        (body["properties"].StringAt("principalId") ?? Derived(id, "principalId"),
         body["properties"].StringAt("clientId") ?? Derived(id, "clientId"));

    /// <summary>Render view for user-assigned identities: shows the ids <see cref="UserAssignedIds"/> hands out.</summary>
    public static void FillUserAssigned(JsonObject json, ArmResource r)
    {
        var (principalId, clientId) = UserAssignedIds(r.Id, r.Body);
        var properties = json.ObjectAt("properties");
        properties["principalId"] ??= principalId;
        properties["clientId"] ??= clientId;
    }

    private static string Derived(string id, string what) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{what}:{id.ToLowerInvariant()}"))[..16]).ToString();
}
