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
            string keyVaultDnsSuffix = "vault.azure.net", IReadOnlyList<PrivateLinkZone>? privateLinkZones = null, ArmRequestLimits? limits = null)
        {
            Limits = limits ?? ArmRequestLimits.TokenBucket;
            PrivateLinkZones = privateLinkZones ?? Array.Empty<PrivateLinkZone>();
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

        /// <summary>ARM's request budget per subscription in this cloud, which scans pace themselves to (facts.md, "Limits").</summary>
        public ArmRequestLimits Limits { get; }

        /// <summary>Vault hosts are <c>{vaultName}.{KeyVaultDnsSuffix}</c> (Azure CLI's <c>keyvaultDns</c>, Az's <c>AzureKeyVaultDnsSuffix</c>).</summary>
        public string KeyVaultDnsSuffix { get; }

        /// <summary>The data-plane URI of a vault, as Azure tools compute it: <c>https://{vaultName}.{KeyVaultDnsSuffix}/</c>.</summary>
        public Uri KeyVaultUri(string vaultName) => new Uri($"https://{vaultName.ToLowerInvariant()}.{KeyVaultDnsSuffix}/");

        /// <summary>
        /// The private DNS zones Microsoft lists for a Cognitive Services private endpoint (groupId <c>account</c>) in this
        /// cloud; empty where it lists none (Azure China: zone names must come from the caller, never guessed).
        /// </summary>
        public IReadOnlyList<PrivateLinkZone> PrivateLinkZones { get; }

        /// <summary>The zones an account of this kind resolves through (facts.md: AIServices adds services.ai).</summary>
        public IReadOnlyList<PrivateLinkZone> PrivateLinkZonesFor(string? kind) => PrivateLinkZones.Where(z => z.AppliesTo(kind)).ToList();

        /// <summary>
        /// The known cloud an account endpoint belongs to, by its host suffix (offline input carries no cloud);
        /// AzureCloud when the host names none of the sovereign clouds.
        /// </summary>
        public static AzureEnvironment OfEndpoint(string? endpoint)
        {
            var host = endpoint != null && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.Host : endpoint ?? string.Empty;
            if (host.EndsWith(".azure.us", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".usgovcloudapi.net", StringComparison.OrdinalIgnoreCase)) return AzureUSGovernment;
            if (host.EndsWith(".azure.cn", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".chinacloudapi.cn", StringComparison.OrdinalIgnoreCase)) return AzureChinaCloud;
            return AzureCloud;
        }

        public static readonly AzureEnvironment AzureCloud = new AzureEnvironment(
            "AzureCloud",
            new Uri("https://management.azure.com/"),
            new Uri("https://login.microsoftonline.com/"),
            "https://management.core.windows.net/.default",
            "https://cognitiveservices.azure.com/.default",
            "openai.azure.com",
            "vault.azure.net",
            new[]
            {
                new PrivateLinkZone("privatelink.cognitiveservices.azure.com", "cognitiveservices.azure.com"),
                new PrivateLinkZone("privatelink.openai.azure.com", "openai.azure.com"),
                new PrivateLinkZone("privatelink.services.ai.azure.com", "services.ai.azure.com", "AIServices"),
            });

        public static readonly AzureEnvironment AzureChinaCloud = new AzureEnvironment(
            "AzureChinaCloud",
            new Uri("https://management.chinacloudapi.cn/"),
            new Uri("https://login.chinacloudapi.cn/"),
            "https://management.core.chinacloudapi.cn/.default",
            "https://cognitiveservices.azure.cn/.default",
            null,
            "vault.azure.cn",
            limits: ArmRequestLimits.Hourly);

        public static readonly AzureEnvironment AzureUSGovernment = new AzureEnvironment(
            "AzureUSGovernment",
            new Uri("https://management.usgovcloudapi.net/"),
            new Uri("https://login.microsoftonline.us/"),
            "https://management.core.usgovcloudapi.net/.default",
            "https://cognitiveservices.azure.us/.default",
            "openai.azure.us",
            "vault.usgovcloudapi.net",
            new[]
            {
                new PrivateLinkZone("privatelink.cognitiveservices.azure.us", "cognitiveservices.azure.us"),
                // Not in Microsoft's table, but where Azure OpenAI endpoints (openai.azure.us) resolve; widely used.
                new PrivateLinkZone("privatelink.openai.azure.us", "openai.azure.us"),
            },
            ArmRequestLimits.Hourly);

        /// <summary>The audience (resource) of a scope: "https://cognitiveservices.azure.com/.default" → "https://cognitiveservices.azure.com".</summary>
        public static string Audience(string scope) =>
            scope.EndsWith("/.default", StringComparison.OrdinalIgnoreCase) ? scope.Substring(0, scope.Length - "/.default".Length) : scope;

        public static IReadOnlyList<AzureEnvironment> Known { get; } = new[] { AzureCloud, AzureChinaCloud, AzureUSGovernment };

        public static string[] KnownNames => Known.Select(e => e.Name).ToArray();

        public static AzureEnvironment Get(string name) =>
            Known.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown Azure environment '{name}'. Known: {string.Join(", ", KnownNames)}.", nameof(name));

        /// <summary>
        /// A custom environment based on <paramref name="baseline"/>: any endpoint or scope left null keeps the baseline's,
        /// except that a custom ARM endpoint without a scope gets the scope "{endpoint}/.default". Vault host names and
        /// private link zones keep the baseline's: a private ARM endpoint (or the emulator) does not move Key Vault.
        /// </summary>
        public static AzureEnvironment Custom(AzureEnvironment baseline, Uri? armEndpoint, Uri? authorityHost, string? armScope, string? dataPlaneScope)
        {
            // A relative URI has no scheme (reading it throws InvalidOperationException): refuse it as the same bad input.
            if (armEndpoint != null && (!armEndpoint.IsAbsoluteUri || armEndpoint.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"The ARM endpoint '{armEndpoint}' must use https.", nameof(armEndpoint));
            if (authorityHost != null && (!authorityHost.IsAbsoluteUri || authorityHost.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"The authority host '{authorityHost}' must use https.", nameof(authorityHost));
            // A scope is an audience URI (usually "https://…/.default"): anything else would only fail later, at sign-in.
            foreach (var (name, value) in new[] { ("ARM scope", armScope), ("data-plane scope", dataPlaneScope) })
            {
                if (value != null && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == "api")))
                    throw new ArgumentException($"The {name} '{value}' is not an absolute https (or api://) audience, e.g. 'https://management.azure.com/.default'.");
            }
            var endpoint = armEndpoint ?? baseline.ArmEndpoint;
            var scope = armScope ?? (armEndpoint != null ? endpoint.GetLeftPart(UriPartial.Authority) + "/.default" : baseline.ArmScope);
            return new AzureEnvironment("Custom", endpoint, authorityHost ?? baseline.AuthorityHost, scope,
                dataPlaneScope ?? baseline.DataPlaneScope, baseline.OpenAiEndpointSuffix, baseline.KeyVaultDnsSuffix, baseline.PrivateLinkZones, baseline.Limits);
        }
    }
}
