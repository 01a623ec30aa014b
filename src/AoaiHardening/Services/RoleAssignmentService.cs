using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The REST knowledge of Microsoft.Authorization role assignments and definitions (api-version 2022-04-01):
    /// list at a scope with atScope()/assignedTo(), create with a GUID name, delete, and role names resolved once per
    /// GUID. Cmdlets and the rules' live reader stay thin.
    /// </summary>
    internal sealed class RoleAssignmentService
    {
        private const string Provider = "/providers/Microsoft.Authorization";
        private readonly ArmClient _arm;
        private readonly Dictionary<string, string> _roleNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        private readonly OnceCache<IReadOnlyList<JsonObject>> _byResourceGroup = new OnceCache<IReadOnlyList<JsonObject>>();

        public RoleAssignmentService(ArmClient arm) => _arm = arm;

        /// <summary>
        /// Every assignment at, above and below a resource group (ListForResourceGroup without a filter), listed once per
        /// instance: a scan reads a group's assignments once for all of its accounts instead of once per account.
        /// </summary>
        public IReadOnlyList<JsonObject> ListInResourceGroupShared(string subscriptionId, string resourceGroupName, ArmCallOptions call) =>
            _byResourceGroup.Get($"{subscriptionId}/{resourceGroupName}", () =>
                _arm.List($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}{Provider}/roleAssignments", ApiVersions.Authorization, call).ToList());

        /// <summary>
        /// Assignments at the scope or above it (resource group, subscription, management groups, root): what reaches a
        /// resource. ARM returns the management-group ones the caller may read. Optionally for one principal only.
        /// </summary>
        public IEnumerable<JsonObject> ListAtScope(string scope, string? principalId, ArmCallOptions call)
        {
            if (principalId == null)
                return _arm.List($"{PathOf(scope)}{Provider}/roleAssignments?$filter={Uri.EscapeDataString("atScope()")}", ApiVersions.Authorization, call);
            // principalId eq names exactly that principal (assignedTo() would add the groups it belongs to, and does not
            // take a group's id); it returns assignments at, above and below the scope, so keep those that reach it.
            var filter = Uri.EscapeDataString($"principalId eq '{principalId}'");
            return Reaching(scope, _arm.List($"{PathOf(scope)}{Provider}/roleAssignments?$filter={filter}", ApiVersions.Authorization, call));
        }

        /// <summary>The assignments of exactly this principal that reach the scope, as the objects users see.</summary>
        public IEnumerable<AoaiRoleAssignment> ListForPrincipal(string scope, string principalId, string? accountId, string? accountName, string? subscriptionId, ArmCallOptions call) =>
            ListAtScope(scope, principalId, call)
                .Select(json => ToModel(json, accountId, accountName, subscriptionId, call))
                .Where(a => string.Equals(a.PrincipalId, principalId, StringComparison.OrdinalIgnoreCase));

        private static IEnumerable<JsonObject> Reaching(string scope, IEnumerable<JsonObject> assignments)
        {
            var target = scope.TrimEnd('/') + "/";
            foreach (var json in assignments)
            {
                var at = AoaiRoleAssignment.ScopeOf(json) ?? string.Empty;
                var level = ArmScope.LevelOf(at);
                // Management groups and the root contain the subscription (ARM returned them for this scope).
                if (level == AoaiScopeLevel.Root || level == AoaiScopeLevel.ManagementGroup ||
                    target.StartsWith(at.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase))
                    yield return json;
            }
        }

        /// <summary>PUT one assignment. The name is deterministic (see <see cref="NameFor"/>) so a retried create is idempotent.</summary>
        public JsonObject Create(string scope, string roleDefinitionGuid, string principalId, string principalType, string? description, string? subscriptionForRole, ArmCallOptions call)
        {
            var properties = new JsonObject
            {
                ["roleDefinitionId"] = RoleDefinitionPath(subscriptionForRole, roleDefinitionGuid),
                ["principalId"] = principalId,
                ["principalType"] = principalType,
            };
            if (!string.IsNullOrEmpty(description)) properties["description"] = description;
            var name = NameFor(scope, roleDefinitionGuid, principalId);
            return _arm.Send(RequestMethod.Put, $"{PathOf(scope)}{Provider}/roleAssignments/{name}", ApiVersions.Authorization,
                new JsonObject { ["properties"] = properties }, call) ?? new JsonObject();
        }

        /// <summary>DELETE by id; null when the assignment was already gone (204).</summary>
        public JsonObject? Delete(string assignmentId, ArmCallOptions call) =>
            _arm.Send(RequestMethod.Delete, assignmentId, ApiVersions.Authorization, null, call);

        /// <summary>The role's display name: built-ins from the table, others read once from ARM; the GUID itself if unreadable.</summary>
        public string RoleName(string roleGuid, string? subscriptionId, ArmCallOptions call, Action<string>? onUnreadable = null)
        {
            if (BuiltInRoles.ById(roleGuid) is { } builtIn) return builtIn.Name;
            if (_roleNames.TryGetValue(roleGuid, out var known)) return known;
            string name;
            try
            {
                var definition = _arm.Get(RoleDefinitionPath(subscriptionId, roleGuid), ApiVersions.Authorization, call);
                name = Json.Str((definition?["properties"] as JsonObject)?["roleName"]) ?? roleGuid;
            }
            catch (ArmRequestException ex) when (ex.Status == 403 || ex.Status == 404)
            {
                onUnreadable?.Invoke($"Role definition {roleGuid} could not be read ({ex.Status} {ex.ErrorCode}); showing its id.");
                name = roleGuid;
            }
            _roleNames[roleGuid] = name;
            return name;
        }

        /// <summary>A role's GUID from a friendly name (built-in table, else an ARM lookup of custom roles) or a GUID; null when unknown.</summary>
        public (string Id, string Name)? ResolveRole(string role, string? subscriptionId, ArmCallOptions call)
        {
            var trimmed = role.Trim();
            if (subscriptionId == null)
            {
                // Management group and root scopes: no subscription to look custom role names up in; bare GUIDs still work.
                if (BuiltInRoles.ByName(trimmed) is { } named) return (named.Id, named.Name);
                return BuiltInRoles.IsGuid(trimmed) ? (trimmed.ToLowerInvariant(), BuiltInRoles.ById(trimmed)?.Name ?? trimmed) : ((string, string)?)null;
            }
            var guid = BuiltInRoles.GuidOf(trimmed);
            if (guid != null && (BuiltInRoles.IsGuid(trimmed) || trimmed.IndexOf("/roleDefinitions/", StringComparison.OrdinalIgnoreCase) >= 0))
                return (guid, RoleName(guid, subscriptionId, call));
            if (BuiltInRoles.ByName(trimmed) is { } builtIn) return (builtIn.Id, builtIn.Name);
            var filter = Uri.EscapeDataString($"roleName eq '{trimmed.Replace("'", "''")}'");
            foreach (var definition in _arm.List($"/subscriptions/{subscriptionId}{Provider}/roleDefinitions?$filter={filter}", ApiVersions.Authorization, call))
            {
                var id = Json.Str(definition["name"]);
                if (id != null) return (id, Json.Str((definition["properties"] as JsonObject)?["roleName"]) ?? trimmed);
            }
            return null;
        }

        public AoaiRoleAssignment ToModel(JsonObject json, string? accountId, string? accountName, string? subscriptionId, ArmCallOptions call, Action<string>? onUnreadable = null)
        {
            var guid = BuiltInRoles.GuidOf(Json.Str((json["properties"] as JsonObject)?["roleDefinitionId"])) ?? string.Empty;
            var name = guid.Length == 0 ? "(unknown)" : RoleName(guid, subscriptionId, call, onUnreadable);
            return AoaiRoleAssignment.FromJson(json, name, accountId, accountName);
        }

        /// <summary>
        /// A name-based GUID (RFC 4122 version 5 layout over SHA-1) of scope, role and principal: the same grant always
        /// has the same name, so a PUT retried after a lost response is a no-op instead of a 409.
        /// </summary>
        public static string NameFor(string scope, string roleGuid, string principalId)
        {
            using var sha = SHA1.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes($"aoaihardening|{scope.TrimEnd('/').ToLowerInvariant()}|{roleGuid.ToLowerInvariant()}|{principalId.ToLowerInvariant()}"));
            var bytes = new byte[16];
            Array.Copy(hash, bytes, 16);
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            var hex = BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
            return $"{hex.Substring(0, 8)}-{hex.Substring(8, 4)}-{hex.Substring(12, 4)}-{hex.Substring(16, 4)}-{hex.Substring(20, 12)}";
        }

        private static string RoleDefinitionPath(string? subscriptionId, string roleGuid) =>
            !string.IsNullOrEmpty(subscriptionId) ? $"/subscriptions/{subscriptionId}{Provider}/roleDefinitions/{roleGuid}" : $"{Provider}/roleDefinitions/{roleGuid}";

        /// <summary>The root scope "/" is addressed as the empty prefix ("/providers/Microsoft.Authorization/…").</summary>
        private static string PathOf(string scope) => scope == "/" ? string.Empty : scope.TrimEnd('/');
    }
}
