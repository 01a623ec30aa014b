using System;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Model
{
    /// <summary>
    /// An Azure RBAC role assignment that reaches an account: made at the account itself (direct) or inherited from its
    /// resource group, subscription, a management group or the tenant root. Revoke-AoaiRoleAssignment takes it from the pipeline.
    /// </summary>
    public sealed class AoaiRoleAssignment
    {
        /// <summary>The assignment's resource id ({scope}/providers/Microsoft.Authorization/roleAssignments/{name}).</summary>
        public string Id { get; internal set; } = string.Empty;
        /// <summary>The assignment's name (a GUID).</summary>
        public string Name { get; internal set; } = string.Empty;
        public string RoleDefinitionName { get; internal set; } = string.Empty;
        /// <summary>The role definition's GUID (compare roles by this, never by name).</summary>
        public string RoleDefinitionId { get; internal set; } = string.Empty;
        public string PrincipalId { get; internal set; } = string.Empty;
        /// <summary>User, Group, ServicePrincipal, ForeignGroup or Device (Unknown when ARM does not say).</summary>
        public string PrincipalType { get; internal set; } = "Unknown";
        public string Scope { get; internal set; } = string.Empty;
        public AoaiScopeLevel ScopeLevel { get; internal set; }
        /// <summary>True when the assignment is made above the account (resource group, subscription, management group, root).</summary>
        public bool Inherited { get; internal set; }
        /// <summary>True when this is the assignment of that role to that principal, made at exactly that scope.</summary>
        internal bool Is(string principalId, string roleDefinitionId, string scope) =>
            string.Equals(PrincipalId, principalId, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(RoleDefinitionId, roleDefinitionId, StringComparison.OrdinalIgnoreCase) &&
            ArmScope.SameScope(Scope, scope);

        /// <summary>The account this assignment was read for; null when it was created at a scope with no account named.</summary>
        public string? AccountId { get; internal set; }
        public string? AccountName { get; internal set; }
        public string? Description { get; internal set; }
        public string? Condition { get; internal set; }
        public DateTimeOffset? CreatedOn { get; internal set; }
        public string? CreatedBy { get; internal set; }

        public override string ToString() => $"{RoleDefinitionName} for {PrincipalType} {PrincipalId} at {Scope}";

        internal static AoaiRoleAssignment FromJson(JsonObject json, string roleName, string? accountId, string? accountName)
        {
            var props = json["properties"] as JsonObject;
            var id = Json.Str(json["id"]) ?? string.Empty;
            var scope = ScopeOf(json) ?? string.Empty;
            var level = ArmScope.LevelOf(scope);
            return new AoaiRoleAssignment
            {
                Id = id,
                Name = Json.Str(json["name"]) ?? string.Empty,
                RoleDefinitionId = Services.BuiltInRoles.GuidOf(Json.Str(props?["roleDefinitionId"])) ?? string.Empty,
                RoleDefinitionName = roleName,
                PrincipalId = Json.Str(props?["principalId"]) ?? string.Empty,
                PrincipalType = Json.Str(props?["principalType"]) ?? "Unknown",
                Scope = scope,
                ScopeLevel = level,
                Inherited = accountId != null && !ArmScope.SameScope(scope, accountId),
                AccountId = accountId,
                AccountName = accountName,
                Description = Json.Str(props?["description"]),
                Condition = Json.Str(props?["condition"]),
                CreatedOn = DateTimeOffset.TryParse(Json.Str(props?["createdOn"]), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var created) ? created : (DateTimeOffset?)null,
                CreatedBy = Json.Str(props?["createdBy"]),
            };
        }

        /// <summary>
        /// An assignment's scope: properties.scope (REST), else read from its id (templates, exports without it): the
        /// given id (an input resource's, which a template synthesises), or the JSON's own.
        /// </summary>
        internal static string? ScopeOf(JsonObject json, string? id = null) =>
            Json.Str((json["properties"] as JsonObject)?["scope"]) ?? ScopeOf(id ?? Json.Str(json["id"]) ?? string.Empty);

        /// <summary>"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}" → scope.</summary>
        internal static string? ScopeOf(string id)
        {
            var at = id.LastIndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.OrdinalIgnoreCase);
            return at < 0 ? null : at == 0 ? "/" : id.Substring(0, at);
        }
    }
}
