using System;
using System.Collections.Generic;
using System.Linq;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// A cloud: where ARM lives, who issues tokens, and the scopes to ask for. The known clouds are defined here
    /// and nowhere else (shared/reference/facts.md, "Clouds"); a custom one serves private clouds and the emulator.
    /// </summary>
    public sealed class AzureEnvironment
    {
        public AzureEnvironment(string name, Uri armEndpoint, Uri authorityHost, string armScope, string dataPlaneScope, string? openAiEndpointSuffix,
            string keyVaultDnsSuffix = "vault.azure.net")
        {
            Name = name;
            ArmEndpoint = armEndpoint;
            AuthorityHost = authorityHost;
            ArmScope = armScope;
            DataPlaneScope = dataPlaneScope;
            OpenAiEndpointSuffix = openAiEndpointSuffix;
            KeyVaultDnsSuffix = keyVaultDnsSuffix;
        }

        public string Name { get; }
        public Uri ArmEndpoint { get; }
        public Uri AuthorityHost { get; }
        public string ArmScope { get; }
        public string DataPlaneScope { get; }
        /// <summary>Null where Microsoft documents none (Azure China).</summary>
        public string? OpenAiEndpointSuffix { get; }

        /// <summary>Vault hosts are <c>{vaultName}.{KeyVaultDnsSuffix}</c> (Azure CLI's <c>keyvaultDns</c>, Az's <c>AzureKeyVaultDnsSuffix</c>).</summary>
        public string KeyVaultDnsSuffix { get; }

        /// <summary>The data-plane URI of a vault, as Azure tools compute it: <c>https://{vaultName}.{KeyVaultDnsSuffix}/</c>.</summary>
        public Uri KeyVaultUri(string vaultName) => new Uri($"https://{vaultName.ToLowerInvariant()}.{KeyVaultDnsSuffix}/");

        public static readonly AzureEnvironment AzureCloud = new AzureEnvironment(
            "AzureCloud",
            new Uri("https://management.azure.com/"),
            new Uri("https://login.microsoftonline.com/"),
            "https://management.core.windows.net/.default",
            "https://cognitiveservices.azure.com/.default",
            "openai.azure.com",
            "vault.azure.net");

        public static readonly AzureEnvironment AzureChinaCloud = new AzureEnvironment(
            "AzureChinaCloud",
            new Uri("https://management.chinacloudapi.cn/"),
            new Uri("https://login.chinacloudapi.cn/"),
            "https://management.core.chinacloudapi.cn/.default",
            "https://cognitiveservices.azure.cn/.default",
            null,
            "vault.azure.cn");

        public static readonly AzureEnvironment AzureUSGovernment = new AzureEnvironment(
            "AzureUSGovernment",
            new Uri("https://management.usgovcloudapi.net/"),
            new Uri("https://login.microsoftonline.us/"),
            "https://management.core.usgovcloudapi.net/.default",
            "https://cognitiveservices.azure.us/.default",
            "openai.azure.us",
            "vault.usgovcloudapi.net");

        public static IReadOnlyList<AzureEnvironment> Known { get; } = new[] { AzureCloud, AzureChinaCloud, AzureUSGovernment };

        public static string[] KnownNames => Known.Select(e => e.Name).ToArray();

        public static AzureEnvironment Get(string name) =>
            Known.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown Azure environment '{name}'. Known: {string.Join(", ", KnownNames)}.", nameof(name));

        /// <summary>
        /// A custom environment based on <paramref name="baseline"/>: any endpoint or scope left null keeps the baseline's,
        /// except that a custom ARM endpoint without a scope gets the scope "{endpoint}/.default". Vault host names keep the
        /// baseline's suffix: a private ARM endpoint (or the emulator) does not move Key Vault.
        /// </summary>
        public static AzureEnvironment Custom(AzureEnvironment baseline, Uri? armEndpoint, Uri? authorityHost, string? armScope, string? dataPlaneScope)
        {
            if (armEndpoint != null && armEndpoint.Scheme != Uri.UriSchemeHttps)
                throw new ArgumentException($"The ARM endpoint '{armEndpoint}' must use https.", nameof(armEndpoint));
            if (authorityHost != null && authorityHost.Scheme != Uri.UriSchemeHttps)
                throw new ArgumentException($"The authority host '{authorityHost}' must use https.", nameof(authorityHost));
            var endpoint = armEndpoint ?? baseline.ArmEndpoint;
            var scope = armScope ?? (armEndpoint != null ? endpoint.GetLeftPart(UriPartial.Authority) + "/.default" : baseline.ArmScope);
            return new AzureEnvironment("Custom", endpoint, authorityHost ?? baseline.AuthorityHost, scope,
                dataPlaneScope ?? baseline.DataPlaneScope, baseline.OpenAiEndpointSuffix, baseline.KeyVaultDnsSuffix);
        }
    }
}
