using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Encryption
{
    /// <summary>
    /// The rotation step: moves an account that already uses a customer-managed key to another version of its key (by
    /// default the newest), or to another key or vault (-KeyName, -KeyVaultResourceId, -KeyUri), with the same preflight
    /// and key-access grant as Enable-AoaiCustomerManagedKey. Nothing is re-encrypted; the account wraps with the new version.
    /// </summary>
    [Cmdlet(VerbsData.Update, "AoaiCustomerManagedKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class UpdateAoaiCustomerManagedKey : CustomerManagedKeyCmdlet
    {
        protected override string Action => "Update the customer-managed key";

        protected override bool RequiresCustomerManaged => true;
    }
}
