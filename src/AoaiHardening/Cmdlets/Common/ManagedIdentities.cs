using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets
{
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

        /// <summary>Every id of -UserAssignedIdentityId, checked before any request (a terminating error names the bad one).</summary>
        public static void ValidateUserAssignedIds(AoaiCmdlet cmdlet, string[]? ids)
        {
            foreach (var id in ids ?? Array.Empty<string>())
                cmdlet.ValidateOrThrow(() => ValidateUserAssignedId(id), "AoaiHardening.Identity.InvalidUserAssignedIdentityId", id);
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
