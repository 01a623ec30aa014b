using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;

namespace AoaiHardening.Cmdlets.Encryption
{
    /// <summary>
    /// Returns the account to Microsoft-managed keys (encryption.keySource Microsoft.CognitiveServices). High impact: you
    /// give up control of the key that protects stored data (AOAI-ENC-001 fails again). The key, the vault and the
    /// identity's access to it are left as they are.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "AoaiCustomerManagedKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class DisableAoaiCustomerManagedKey : AccountUpdateCmdlet
    {
        protected override string ErrorArea => "Encryption";

        protected override string Action => "Disable the customer-managed key (return to Microsoft-managed keys)";

        protected override bool IsDesired(AoaiAccount account) => !CustomerManagedKeys.IsCustomerManaged(account.EncryptionKeySource);

        protected override JsonObject BuildPatch(AoaiAccount account) => new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["encryption"] = new JsonObject { ["keySource"] = CustomerManagedKeys.KeySourceMicrosoft },
            },
        };

        protected override void BeforeChange(AoaiAccount account) =>
            WriteWarning($"Account '{account.Name}' will encrypt data at rest with Microsoft-managed keys instead of key '{account.KeyName}' " +
                         $"(version {account.KeyVersion ?? "unspecified"}) of {account.KeyVaultUri}. You will no longer be able to revoke the service's access to stored data " +
                         "(fine-tuning files and results) by disabling your key; AOAI-ENC-001 fails. The key, the vault and the identity's access to them are not changed: " +
                         "remove that access yourself once the change has completed, if nothing else uses the key.");
    }
}
