using AoaiHardening.Emulator.KeyVault;
using AoaiHardening.Emulator.OpenAi;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// The real Azure host names the emulator answers for (besides its own loopback address), in one place: the CONNECT
/// proxy tunnels exactly these, and the request router sends each to its data plane. A host family is served only for
/// names that exist in the store, so an unknown name fails the way an unresolvable one does. Families: Key Vault
/// (<c>{vault}.vault.azure.net</c> and the sovereign suffixes) for stored vaults, and an account's data plane
/// (<c>{subdomain}.openai.azure.com</c>, <c>.cognitiveservices.azure.com</c>, <c>.services.ai.azure.com</c>) for stored
/// accounts with that <c>customSubDomainName</c>. To add a family, add its parser and existence check here and a branch
/// in <see cref="ArmEmulator"/>.
/// </summary>
internal static class ServedHosts
{
    /// <summary>Server certificate SANs: every family's wildcard, so TLS through the proxy validates end to end.</summary>
    public static readonly string[] CertificateNames =
    [
        "*.vault.azure.net", "*.vault.azure.cn", "*.vault.usgovcloudapi.net",
        "*.openai.azure.com", "*.cognitiveservices.azure.com", "*.services.ai.azure.com",
    ];

    /// <summary>True when <paramref name="host"/> (no port) names something the emulator serves right now.</summary>
    public static bool IsServed(EmulatorState state, string host) =>
        KeyVaultHost.TryParse(host) is { } vault ? state.VaultExists(vault.VaultName)
        : OpenAiHost.TryParse(host) is { } account && state.AccountSubdomainExists(account.Subdomain);
}
