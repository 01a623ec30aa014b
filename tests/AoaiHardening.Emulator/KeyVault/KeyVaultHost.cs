using System.Text.RegularExpressions;

namespace AoaiHardening.Emulator.KeyVault;

/// <summary>
/// A vault's data-plane host name, <c>{vault}.{suffix}</c>, in one of the clouds whose suffix Azure tools use, with the
/// resource (token audience) that Key Vault names in its challenge for that cloud.
/// </summary>
internal sealed partial record KeyVaultHost(string VaultName, string Suffix, string Resource)
{
    /// <summary>DNS suffix → the audience a token for that cloud's Key Vault carries.</summary>
    public static readonly IReadOnlyList<(string Suffix, string Resource)> Clouds =
    [
        ("vault.azure.net", "https://vault.azure.net"),
        ("vault.azure.cn", "https://vault.azure.cn"),
        ("vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net"),
    ];

    /// <summary>The host as it appears in secret ids: lower case, no port.</summary>
    public string Host => $"{VaultName}.{Suffix}";

    /// <summary>The vault named by <paramref name="host"/> (no port), or null when it is not a Key Vault host name.</summary>
    public static KeyVaultHost? TryParse(string? host)
    {
        if (string.IsNullOrEmpty(host))
            return null;
        host = host.TrimEnd('.').ToLowerInvariant();
        foreach (var (suffix, resource) in Clouds)
        {
            if (!host.EndsWith("." + suffix, StringComparison.Ordinal))
                continue;
            var label = host[..^(suffix.Length + 1)];
            return VaultNamePattern().IsMatch(label) ? new KeyVaultHost(label, suffix, resource) : null;
        }
        return null;
    }

    [GeneratedRegex("^[a-z0-9-]{3,24}$")]
    private static partial Regex VaultNamePattern();
}
