using System.Text.RegularExpressions;

namespace AoaiHardening.Emulator.OpenAi;

/// <summary>
/// An account's data-plane host name, <c>{customSubDomainName}.{suffix}</c>, in one of the three families Azure gives
/// accounts with a custom subdomain: openai.azure.com, cognitiveservices.azure.com and services.ai.azure.com.
/// </summary>
internal sealed partial record OpenAiHost(string Subdomain, string Suffix)
{
    public static readonly string[] Suffixes = ["openai.azure.com", "cognitiveservices.azure.com", "services.ai.azure.com"];

    /// <summary>Lower case, no port.</summary>
    public string Host => $"{Subdomain}.{Suffix}";

    /// <summary>The subdomain named by <paramref name="host"/> (no port), or null when it is not one of these families.</summary>
    public static OpenAiHost? TryParse(string? host)
    {
        if (string.IsNullOrEmpty(host))
            return null;
        host = host.TrimEnd('.').ToLowerInvariant();
        foreach (var suffix in Suffixes)
        {
            if (!host.EndsWith("." + suffix, StringComparison.Ordinal))
                continue;
            var label = host[..^(suffix.Length + 1)];
            return SubdomainPattern().IsMatch(label) ? new OpenAiHost(label, suffix) : null;
        }
        return null;
    }

    /// <summary>One DNS label: a custom subdomain never holds a dot.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex SubdomainPattern();
}
