using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// A validated Microsoft.Key Vault vault resource id. Parsed before any request, so a typo is refused without touching Azure.
    /// </summary>
    public sealed class KeyVaultResourceId : ResourceGroupResourceId
    {
        public const string ResourceType = "Microsoft.KeyVault/vaults";

        // Vault names: 3-24 characters, letters, digits and '-', starting with a letter, ending with a letter or digit, no "--".
        private static readonly Regex VaultName = new Regex(@"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$", RegexOptions.CultureInvariant);

        private KeyVaultResourceId(string subscriptionId, string resourceGroupName, string name) : base(subscriptionId, resourceGroupName, name)
        {
        }

        protected override string Type => ResourceType;

        public static KeyVaultResourceId Create(string subscriptionId, string resourceGroupName, string name)
        {
            Validate(subscriptionId, resourceGroupName, () => ValidateName(name));
            return new KeyVaultResourceId(subscriptionId, resourceGroupName, name);
        }

        /// <summary>Parses a vault id; throws ArgumentException saying what is wrong.</summary>
        public static KeyVaultResourceId Parse(string resourceId) =>
            TypedResourceIds.Parse(resourceId, ResourceType, "Key Vault resource id", "Key Vault id",
                "expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>",
                rid => Create(rid.SubscriptionId!, rid.ResourceGroupName!, rid.Name));

        public static void ValidateName(string name)
        {
            if (name == null || !VaultName.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid key vault name (3-24 characters: letters, digits and '-'; starting with a letter, ending with a letter or digit, no consecutive '-').");
        }

        /// <summary>True when <paramref name="otherId"/> names this vault (ARM ids compare case-insensitively).</summary>
        public bool Is(string? otherId) => ArmScope.SameScope(Id, otherId);
    }

    /// <summary>
    /// A Key Vault key identifier: <c>https://{vault}.{suffix}[:443]/keys/{name}[/{version}]</c>, the form Azure shows as
    /// "Key identifier". The host must end in one of the given vault suffixes (the cmdlets pass the connected cloud's), so a
    /// URL of another service or cloud is refused before any request.
    /// </summary>
    public sealed class KeyVaultKeyUri
    {
        private static readonly Regex KeyNamePattern = new Regex(@"^[a-zA-Z0-9-]{1,127}$", RegexOptions.CultureInvariant);
        private static readonly Regex VersionPattern = new Regex(@"^[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant);

        private KeyVaultKeyUri(string host, string vaultName, string keyName, string? keyVersion)
        {
            Host = host;
            VaultName = vaultName;
            KeyName = keyName;
            KeyVersion = keyVersion;
        }

        /// <summary>The vault's host, lower case (e.g. kv-contoso.vault.azure.net).</summary>
        public string Host { get; }
        public string VaultName { get; }
        public string KeyName { get; }
        public string? KeyVersion { get; }

        /// <summary>The vault URI as accounts store it in keyVaultProperties.keyVaultUri.</summary>
        public string VaultUri => $"https://{Host}/";

        public override string ToString() => KeyVersion == null ? $"{VaultUri}keys/{KeyName}" : $"{VaultUri}keys/{KeyName}/{KeyVersion}";

        /// <summary>Parses a key identifier; throws ArgumentException saying what is wrong.</summary>
        /// <param name="vaultSuffixes">The vault DNS suffixes accepted (the clouds').</param>
        public static KeyVaultKeyUri Parse(string text, params string[] vaultSuffixes)
        {
            const string Expected = "expected https://<vault>.vault.azure.net/keys/<name>[/<version>]";
            if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) ||
                !string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase) || uri.Query.Length > 0 || uri.Fragment.Length > 0 ||
                !(uri.IsDefaultPort || uri.Port == 443))
                throw new ArgumentException($"'{text}' is not a Key Vault key identifier: {Expected}.");
            var host = uri.Host.ToLowerInvariant();
            var suffix = vaultSuffixes.FirstOrDefault(s => host.EndsWith("." + s.ToLowerInvariant(), StringComparison.Ordinal));
            if (suffix == null)
                throw new ArgumentException($"'{text}' is not a Key Vault key identifier: '{host}' is not a vault host (*.{string.Join(", *.", vaultSuffixes)}).");
            var vault = host.Substring(0, host.Length - suffix.Length - 1);
            var segments = uri.AbsolutePath.Trim('/').Split('/');
            if (segments.Length < 2 || segments.Length > 3 || !string.Equals(segments[0], "keys", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{text}' is not a Key Vault key identifier: {Expected} (a secret or certificate URL does not name a key).");
            try
            {
                KeyVaultResourceId.ValidateName(vault);
                ValidateKeyName(segments[1]);
                if (segments.Length == 3) ValidateKeyVersion(segments[2]);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"'{text}' is not a Key Vault key identifier: {ex.Message}");
            }
            return new KeyVaultKeyUri(host, vault, segments[1], segments.Length == 3 ? segments[2].ToLowerInvariant() : null);
        }

        public static void ValidateKeyName(string name)
        {
            if (name == null || !KeyNamePattern.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid key name (1-127 characters: letters, digits and '-').");
        }

        public static void ValidateKeyVersion(string version)
        {
            if (version == null || !VersionPattern.IsMatch(version))
                throw new ArgumentException($"'{version}' is not a key version (32 hexadecimal characters, as in the key identifier).");
        }

        /// <summary>The host of a vault URI (port, path and case ignored); null when it is not an absolute URI.</summary>
        public static string? HostOf(string? vaultUri) =>
            vaultUri != null && Uri.TryCreate(vaultUri, UriKind.Absolute, out var parsed) && parsed.Host.Length > 0 ? parsed.Host.ToLowerInvariant() : null;

        /// <summary>The version at the end of a versioned key identifier (keyUriWithVersion), or null.</summary>
        public static string? VersionOf(string? keyUriWithVersion)
        {
            if (keyUriWithVersion == null || !Uri.TryCreate(keyUriWithVersion, UriKind.Absolute, out var uri)) return null;
            var segments = uri.AbsolutePath.Trim('/').Split('/');
            return segments.Length == 3 && VersionPattern.IsMatch(segments[2]) ? segments[2].ToLowerInvariant() : null;
        }
    }
}
