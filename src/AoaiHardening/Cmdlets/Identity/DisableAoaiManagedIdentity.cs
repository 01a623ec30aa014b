using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>
    /// Removes managed identities from the account: all of them by default, or only the system-assigned one
    /// (-SystemAssigned) or named user-assigned ones (-UserAssignedIdentityId). High impact: refused while the
    /// customer-managed key depends on the identity, unless -Force (which never bypasses -WhatIf).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "AoaiManagedIdentity", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class DisableAoaiManagedIdentity : AccountUpdateCmdlet
    {
        /// <summary>Remove only these user-assigned identities.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? UserAssignedIdentityId { get; set; }

        /// <summary>Remove only the system-assigned identity (combine with -UserAssignedIdentityId to remove both kinds).</summary>
        [Parameter]
        public SwitchParameter SystemAssigned { get; set; }

        /// <summary>Remove the identity even though the customer-managed key depends on it.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private bool RemovesAll => !SystemAssigned && UserAssignedIdentityId == null;
        private bool RemovesSystem => RemovesAll || SystemAssigned;

        protected override string ErrorArea => "Identity";
        protected override string Action => RemovesAll ? "Remove every managed identity"
            : RemovesSystem && UserAssignedIdentityId != null ? "Remove the system-assigned and the named user-assigned identities"
            : RemovesSystem ? "Remove the system-assigned managed identity" : "Remove user-assigned managed identities";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ManagedIdentities.ValidateUserAssignedIds(this, UserAssignedIdentityId);
        }

        private bool Removes(AoaiUserAssignedIdentity identity) =>
            RemovesAll || (UserAssignedIdentityId ?? Array.Empty<string>()).Any(id => string.Equals(id, identity.ResourceId, StringComparison.OrdinalIgnoreCase));

        protected override bool IsDesired(AoaiAccount account) =>
            !(RemovesSystem && ManagedIdentities.HasSystemAssigned(account)) && !account.UserAssignedIdentities.Any(Removes);

        protected override ErrorRecord? Refuse(AoaiAccount account)
        {
            if (!string.Equals(account.EncryptionKeySource, "Microsoft.KeyVault", StringComparison.OrdinalIgnoreCase)) return null;
            string? dependency = null;
            if (string.IsNullOrEmpty(account.IdentityClientId))
            {
                if (RemovesSystem && ManagedIdentities.HasSystemAssigned(account)) dependency = "the system-assigned identity";
            }
            else if (account.UserAssignedIdentities.FirstOrDefault(u => string.Equals(u.ClientId, account.IdentityClientId, StringComparison.OrdinalIgnoreCase)) is { } used && Removes(used))
            {
                dependency = $"the user-assigned identity {used.ResourceId}";
            }
            if (dependency == null) return null;
            var consequence = $"account '{account.Name}' encrypts its data with the customer-managed key '{account.KeyName}' in {account.KeyVaultUri}, reached through {dependency}. " +
                              "Without it the service cannot unwrap the key: stored data (fine-tuning files, results, fine-tuned models) becomes inaccessible.";
            if (Force)
            {
                WriteWarning($"-Force: {consequence}");
                return null;
            }
            return new ErrorRecord(new InvalidOperationException(
                    $"{MyInvocation.MyCommand.Name}: refused: {consequence} Move the account back to Microsoft-managed keys (encryption.keySource Microsoft.CognitiveServices) or to another identity first, or pass -Force."),
                "AoaiHardening.Identity.CustomerManagedKeyDependsOnIdentity", ErrorCategory.InvalidOperation, account);
        }

        protected override JsonObject BuildPatch(AoaiAccount account)
        {
            var system = ManagedIdentities.HasSystemAssigned(account) && !RemovesSystem;
            var keep = account.UserAssignedIdentities.Where(u => !Removes(u)).Select(u => u.ResourceId).ToList();
            var remove = account.UserAssignedIdentities.Where(Removes).Select(u => u.ResourceId);
            return new JsonObject { ["identity"] = ManagedIdentities.Body(system, keep, remove) };
        }

        protected override void BeforeFirstChange(AoaiAccount account) =>
            WriteWarning("Role assignments granted to a removed identity stop working. A system-assigned identity cannot be restored: enabling it again creates a new principal that must be granted its roles again.");
    }
}
