using System;

namespace AoaiHardening.Model
{
    /// <summary>What Get-AoaiContext shows: the cloud, the identity method and the default subscription. No secrets.</summary>
    public sealed class AoaiContext
    {
        public string Environment { get; internal set; } = "AzureCloud";
        public Uri ArmEndpoint { get; internal set; } = new Uri("https://management.azure.com/");
        public Uri AuthorityHost { get; internal set; } = new Uri("https://login.microsoftonline.com/");
        public string ArmScope { get; internal set; } = string.Empty;
        /// <summary>DefaultAzureCredential, ManagedIdentity, ServicePrincipalSecret, ServicePrincipalCertificate, DeviceCode or AccessToken.</summary>
        public string AuthenticationMethod { get; internal set; } = "DefaultAzureCredential";
        public string? TenantId { get; internal set; }
        public string? ClientId { get; internal set; }
        public string? SubscriptionId { get; internal set; }
        /// <summary>Vault host names are {vaultName}.{KeyVaultDnsSuffix} (vault.azure.net, vault.azure.cn, vault.usgovcloudapi.net).</summary>
        public string KeyVaultDnsSuffix { get; internal set; } = "vault.azure.net";
        /// <summary>
        /// True when -KeyVaultAccessToken was given (the token itself is never shown). With -AccessToken and no Key Vault
        /// token, cmdlets that use Key Vault refuse to run; every other sign-in method gets vault tokens by itself.
        /// </summary>
        public bool HasKeyVaultAccessToken { get; internal set; }
        /// <summary>
        /// True when -DataPlaneAccessToken was given (the token itself is never shown). With -AccessToken and no data-plane
        /// token, Test-AoaiContentFilter runs only with -UseKey; every other sign-in method gets data-plane tokens by itself.
        /// </summary>
        public bool HasDataPlaneAccessToken { get; internal set; }
        /// <summary>True when no Connect-AoaiHardening ran and the module uses its implicit default.</summary>
        public bool IsImplicit { get; internal set; }
        public DateTimeOffset? ConnectedOn { get; internal set; }

        public override string ToString() => $"{AuthenticationMethod} @ {Environment} ({ArmEndpoint})";
    }
}
