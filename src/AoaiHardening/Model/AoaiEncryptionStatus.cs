using System;

namespace AoaiHardening.Model
{
    /// <summary>
    /// How an account encrypts data at rest, from Get-AoaiEncryptionStatus: the key source and, with a customer-managed
    /// key, the vault, the key and version in use (and whether it is the newest), the identity that reaches the key, and
    /// what would make the key unusable or the data unrecoverable (Problems). ResourceId names the account, so the object
    /// pipes into Update-AoaiCustomerManagedKey and the other account cmdlets.
    /// </summary>
    public sealed class AoaiEncryptionStatus
    {
        public string AccountName { get; internal set; } = string.Empty;
        public string ResourceId { get; internal set; } = string.Empty;
        public string ResourceGroupName { get; internal set; } = string.Empty;
        public string? Kind { get; internal set; }
        public string? Location { get; internal set; }

        /// <summary>Microsoft.CognitiveServices (Microsoft-managed keys) or Microsoft.KeyVault (customer-managed key).</summary>
        public string KeySource { get; internal set; } = "Microsoft.CognitiveServices";
        public bool CustomerManaged { get; internal set; }

        public string? KeyVaultUri { get; internal set; }
        public string? KeyVaultName { get; internal set; }
        /// <summary>The vault's resource id; null when the vault was not found in a readable subscription.</summary>
        public string? KeyVaultResourceId { get; internal set; }
        public string? KeyVaultLocation { get; internal set; }
        /// <summary>RBAC or AccessPolicy: how the vault authorizes the account's identity.</summary>
        public string? KeyVaultPermissionModel { get; internal set; }
        public bool? SoftDeleteEnabled { get; internal set; }
        public bool? PurgeProtectionEnabled { get; internal set; }
        /// <summary>True when a deleted vault or key can be recovered (soft delete and purge protection both on).</summary>
        public bool? Recoverable { get; internal set; }

        public string? KeyName { get; internal set; }
        /// <summary>The key version the account uses (null: the account names none).</summary>
        public string? KeyVersion { get; internal set; }
        /// <summary>The key's newest version.</summary>
        public string? LatestKeyVersion { get; internal set; }
        /// <summary>True when the account uses the newest version; false after a rotation it has not followed yet.</summary>
        public bool? IsLatestVersion { get; internal set; }
        public string? KeyType { get; internal set; }
        public int? KeySize { get; internal set; }
        public bool? KeyEnabled { get; internal set; }
        public DateTimeOffset? KeyExpiresOn { get; internal set; }

        /// <summary>SystemAssigned or UserAssigned: the identity the service uses to reach the key.</summary>
        public string? Identity { get; internal set; }
        public string? IdentityPrincipalId { get; internal set; }
        public string? IdentityClientId { get; internal set; }

        /// <summary>Unmet requirements (vault recoverability, region, tenant, firewall, key type, disabled or expired key, a vault or key not found).</summary>
        public string[] Problems { get; internal set; } = Array.Empty<string>();

        public override string ToString() => CustomerManaged ? $"{AccountName}: {KeyVaultName}/{KeyName}/{KeyVersion}" : $"{AccountName}: Microsoft-managed keys";
    }
}
