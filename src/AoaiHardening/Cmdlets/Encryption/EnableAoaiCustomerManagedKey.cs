using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Encryption
{
    /// <summary>
    /// Encrypts the account's data at rest with a key from your Key Vault (fixes AOAI-ENC-001, and AOAI-ENC-003..005 by
    /// moving to a supported key or identity). Checks every requirement first (vault soft delete and purge protection,
    /// region, tenant, firewall, key type and size, identity for the kind), then enables the identity, grants it key
    /// access by the vault's permission model, sets the encryption and reads it back. Safe to re-run after a failure.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "AoaiCustomerManagedKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class EnableAoaiCustomerManagedKey : CustomerManagedKeyCmdlet
    {
        protected override string Action => "Enable the customer-managed key";

        protected override bool RequiresCustomerManaged => false;
    }
}
