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
            ManagedIdentities.ValidateUserAssignedIds(this, UserAssignedIdentityId);
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
}
