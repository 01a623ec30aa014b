using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>
    /// Gives the account a managed identity so it reaches Key Vault, Storage and AI Search without secrets. Fixes
    /// AOAI-IAM-002. System-assigned by default; -UserAssignedIdentityId adds user-assigned identities. What exists is kept.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "AoaiManagedIdentity", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class EnableAoaiManagedIdentity : AccountUpdateCmdlet
    {
        /// <summary>User-assigned identities to attach (resource ids of Microsoft.ManagedIdentity/userAssignedIdentities).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? UserAssignedIdentityId { get; set; }

        /// <summary>Also turn on the system-assigned identity when -UserAssignedIdentityId is given (it is on by default otherwise).</summary>
        [Parameter]
        public SwitchParameter SystemAssigned { get; set; }

        private bool WantsSystemAssigned => SystemAssigned || UserAssignedIdentityId == null;

        protected override string ErrorArea => "Identity";
        protected override string Action => WantsSystemAssigned && UserAssignedIdentityId != null
            ? "Enable the system-assigned identity and attach user-assigned identities"
            : WantsSystemAssigned ? "Enable the system-assigned managed identity" : "Attach user-assigned managed identities";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            foreach (var id in UserAssignedIdentityId ?? Array.Empty<string>())
                ValidateOrThrow(() => ManagedIdentities.ValidateUserAssignedId(id), "AoaiHardening.Identity.InvalidUserAssignedIdentityId", id);
        }

        protected override bool IsDesired(AoaiAccount account) =>
            (!WantsSystemAssigned || ManagedIdentities.HasSystemAssigned(account)) &&
            (UserAssignedIdentityId ?? Array.Empty<string>()).All(id => ManagedIdentities.HasUserAssigned(account, id));

        protected override JsonObject BuildPatch(AoaiAccount account)
        {
            var system = WantsSystemAssigned || ManagedIdentities.HasSystemAssigned(account);
            // Every user-assigned identity is listed (existing ones too), so the result is the same whether the service
            // merges or replaces the map.
            var userAssigned = account.UserAssignedIdentities.Select(u => u.ResourceId)
                .Concat(UserAssignedIdentityId ?? Array.Empty<string>())
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return new JsonObject { ["identity"] = ManagedIdentities.Body(system, userAssigned) };
        }

        protected override void AfterChange(AoaiAccount updated)
        {
            if (updated.PrincipalId != null)
                WriteVerbose($"{updated.Name}: system-assigned identity principal {updated.PrincipalId} (grant it roles on Key Vault, Storage or AI Search with Grant-AoaiRoleAssignment -Scope).");
        }
    }

    /// <summary>The identity facts the identity cmdlets share.</summary>
    internal static class ManagedIdentities
    {
        private static readonly System.Text.RegularExpressions.Regex UserAssignedId = new System.Text.RegularExpressions.Regex(
            @"^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/resourceGroups/[-\w._()]{1,90}/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[a-zA-Z0-9][-\w]{2,127}$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        public static void ValidateUserAssignedId(string id)
        {
            if (id == null || !UserAssignedId.IsMatch(id))
                throw new ArgumentException($"'{id}' is not a user-assigned identity id: expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>.");
        }

        public static bool HasSystemAssigned(AoaiAccount account) => account.IdentityType.IndexOf("SystemAssigned", StringComparison.OrdinalIgnoreCase) >= 0;

        public static bool HasUserAssigned(AoaiAccount account, string id) =>
            account.UserAssignedIdentities.Any(u => string.Equals(u.ResourceId, id, StringComparison.OrdinalIgnoreCase));

        public static string TypeOf(bool system, bool user) =>
            system && user ? "SystemAssigned, UserAssigned" : system ? "SystemAssigned" : user ? "UserAssigned" : "None";

        /// <summary>The identity object of a PATCH: the type, plus each user-assigned id (null value = remove it, merge-patch style).</summary>
        public static JsonObject Body(bool system, IReadOnlyCollection<string> keep, IEnumerable<string>? remove = null)
        {
            var identity = new JsonObject { ["type"] = TypeOf(system, keep.Count > 0) };
            var map = new JsonObject();
            foreach (var id in keep) map[id] = new JsonObject();
            if (keep.Count > 0)
                foreach (var id in remove ?? Enumerable.Empty<string>()) map[id] = null;
            if (map.Count > 0) identity["userAssignedIdentities"] = map;
            return identity;
        }
    }
}
