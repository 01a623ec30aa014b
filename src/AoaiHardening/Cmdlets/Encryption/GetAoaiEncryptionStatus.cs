using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Encryption
{
    /// <summary>
    /// How each account encrypts data at rest: key source; with a customer-managed key, the vault (recoverability,
    /// region, permission model), the key (type, size, enabled, expiry), the version in use and whether it is the newest,
    /// and the identity that reaches it. Problems lists what the CMK rules would flag. Vaults and keys are read through
    /// ARM, each vault's subscription listed once per run. Streams one status per account.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiEncryptionStatus", DefaultParameterSetName = SubscriptionSet)]
    [OutputType(typeof(AoaiEncryptionStatus))]
    public sealed class GetAoaiEncryptionStatus : AccountSelectionCmdlet
    {
        private const string InputObjectSet = "InputObject";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public AoaiAccount[] InputObject { get; set; } = null!;

        private KeyVaultService _vaults = null!;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _vaults = new KeyVaultService(Arm);
        }

        protected override void ProcessRecord()
        {
            try
            {
                var accounts = ParameterSetName == InputObjectSet ? InputObject : SelectAccounts(AccountSelector.DefaultKinds, kindGiven: false);
                foreach (var account in accounts)
                {
                    WriteObject(Status(account));
                    DrainMessages();
                }
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }

        private AoaiEncryptionStatus Status(AoaiAccount account)
        {
            var status = new AoaiEncryptionStatus
            {
                AccountName = account.Name,
                ResourceId = account.Id,
                ResourceGroupName = account.ResourceGroupName,
                Kind = account.Kind,
                Location = account.Location,
                KeySource = account.EncryptionKeySource,
                CustomerManaged = CustomerManagedKeys.IsCustomerManaged(account.EncryptionKeySource),
            };
            if (!status.CustomerManaged) return status;

            var problems = new List<string>();
            status.KeyVaultUri = account.KeyVaultUri;
            status.KeyName = account.KeyName;
            status.KeyVersion = string.IsNullOrEmpty(account.KeyVersion) ? null : account.KeyVersion;
            status.IdentityClientId = string.IsNullOrEmpty(account.IdentityClientId) ? null : account.IdentityClientId;
            if (status.IdentityClientId != null)
            {
                status.Identity = "UserAssigned";
                status.IdentityPrincipalId = account.UserAssignedIdentities.FirstOrDefault(u => Json.EqualsIgnoreCase(u.ClientId, account.IdentityClientId))?.PrincipalId;
                if (status.IdentityPrincipalId == null) problems.Add($"The key is used through identity client id {account.IdentityClientId}, which is not attached to the account.");
            }
            else
            {
                status.Identity = "SystemAssigned";
                status.IdentityPrincipalId = account.PrincipalId;
                if (!ManagedIdentities.HasSystemAssigned(account)) problems.Add("The account has no system-assigned identity: the service cannot reach its key.");
            }

            var host = KeyVaultKeyUri.HostOf(account.KeyVaultUri);
            if (host == null)
            {
                problems.Add("The account names no key vault (keyVaultProperties.keyVaultUri is empty).");
                status.Problems = problems.ToArray();
                return status;
            }
            status.KeyVaultName = host.Split('.')[0];
            try
            {
                var vault = _vaults.FindVaultByHost(host, account.SubscriptionId, Call);
                if (vault == null)
                {
                    problems.Add($"Key vault {host} was not found in the subscriptions you can read.");
                }
                else
                {
                    Describe(status, vault, account, problems);
                }
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Encryption.ReadFailed", $"reading the key vault and key of account '{account.Name}' ({account.Id})", account.Id));
                problems.Add($"The vault or key could not be read ({ex.Status} {ex.ErrorCode}).");
            }
            status.Problems = problems.ToArray();
            return status;
        }

        private void Describe(AoaiEncryptionStatus status, JsonObject vault, AoaiAccount account, List<string> problems)
        {
            var vaultId = Json.Str(vault["id"])!;
            status.KeyVaultResourceId = vaultId;
            status.KeyVaultName = Json.Str(vault["name"]) ?? status.KeyVaultName;
            status.KeyVaultLocation = Json.Str(vault["location"]);
            status.KeyVaultPermissionModel = CustomerManagedKeys.UsesRbac(vault) ? "RBAC" : "AccessPolicy";
            status.SoftDeleteEnabled = CustomerManagedKeys.SoftDeleteEnabled(vault);
            status.PurgeProtectionEnabled = CustomerManagedKeys.PurgeProtectionEnabled(vault);
            status.Recoverable = status.SoftDeleteEnabled == true && status.PurgeProtectionEnabled == true;
            problems.AddRange(CustomerManagedKeys.VaultProblems(vault, account.Location, account.TenantId ?? AoaiSession.Context.TenantId).Select(p => p.Message));
            if (string.IsNullOrEmpty(account.KeyName))
            {
                problems.Add("The account names no key (keyVaultProperties.keyName is empty).");
                return;
            }

            var (latest, latestVersion, used) = _vaults.GetKeyAt(vaultId, account.KeyName!, status.KeyVersion, Call);
            if (latest == null)
            {
                problems.Add($"Key '{account.KeyName}' was not found in vault '{status.KeyVaultName}'.");
                return;
            }
            status.LatestKeyVersion = latestVersion;
            if (used == null)
            {
                problems.Add($"Version {status.KeyVersion} of key '{account.KeyName}' was not found.");
                status.IsLatestVersion = false;
                return;
            }
            status.IsLatestVersion = status.KeyVersion == null || Json.EqualsIgnoreCase(status.KeyVersion, status.LatestKeyVersion);
            var keyProperties = used["properties"] as JsonObject;
            var attributes = keyProperties?["attributes"] as JsonObject;
            status.KeyType = Json.Str(keyProperties?["kty"]);
            status.KeySize = CustomerManagedKeys.KeySize(used);
            status.KeyEnabled = Json.Bool(attributes?["enabled"]) ?? true;
            status.KeyExpiresOn = attributes?["exp"] is JsonValue exp && exp.TryGetValue<long>(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
            problems.AddRange(CustomerManagedKeys.KeyProblems(used, account.Kind, DateTimeOffset.UtcNow).Select(p => p.Message));
            if (status.IsLatestVersion == false)
                WriteVerbose($"{account.Name}: uses version {status.KeyVersion}; the key's newest version is {status.LatestKeyVersion} (Update-AoaiCustomerManagedKey moves to it).");
        }
    }
}
