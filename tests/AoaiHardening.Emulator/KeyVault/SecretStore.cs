namespace AoaiHardening.Emulator.KeyVault;

/// <summary>One version of a secret, as the emulator keeps it (the value included: only the control API shows it).</summary>
public sealed record SecretVersion(
    string Vault,
    string Name,
    string Version,
    string Value,
    string? ContentType,
    IReadOnlyDictionary<string, string> Tags,
    bool Enabled,
    DateTimeOffset Created,
    DateTimeOffset Updated);

/// <summary>
/// Secrets of every vault, versions in the order they were set. Not thread-safe by itself: callers hold
/// <see cref="Core.EmulatorState.Gate"/>, like the resource store, so a reset never races a write.
/// </summary>
internal sealed class SecretStore
{
    private readonly Dictionary<(string Vault, string Name), List<SecretVersion>> secrets = new(VaultAndName.Instance);

    public SecretVersion Set(string vault, string name, string value, string? contentType, IReadOnlyDictionary<string, string> tags, bool enabled)
    {
        var now = DateTimeOffset.UtcNow;
        var key = (vault, name);
        if (!secrets.TryGetValue(key, out var versions))
            secrets[key] = versions = [];
        // Key Vault keeps the name as first created; versions are 32 lower-case hex digits.
        var stored = new SecretVersion(vault, versions.Count > 0 ? versions[0].Name : name, Guid.NewGuid().ToString("N"), value,
            contentType, tags, enabled, now, now);
        versions.Add(stored);
        return stored;
    }

    /// <summary>All versions, oldest first; empty when the secret does not exist.</summary>
    public IReadOnlyList<SecretVersion> Versions(string vault, string name) =>
        secrets.TryGetValue((vault, name), out var versions) ? versions.ToList() : [];

    public SecretVersion? Latest(string vault, string name) => Versions(vault, name).LastOrDefault();

    public SecretVersion? Find(string vault, string name, string version) =>
        Versions(vault, name).FirstOrDefault(v => v.Version.Equals(version, StringComparison.OrdinalIgnoreCase));

    /// <summary>The latest version of each secret of a vault, in the order the secrets were created.</summary>
    public IReadOnlyList<SecretVersion> LatestOfEach(string vault) =>
        secrets.Where(s => s.Key.Vault.Equals(vault, StringComparison.OrdinalIgnoreCase)).Select(s => s.Value[^1]).ToList(); // never removed from, so the dictionary keeps insertion order

    public void Clear() => secrets.Clear();

    private sealed class VaultAndName : IEqualityComparer<(string, string)>
    {
        public static readonly VaultAndName Instance = new();
        private static readonly StringComparer Cmp = StringComparer.OrdinalIgnoreCase;
        public bool Equals((string, string) x, (string, string) y) => Cmp.Equals(x.Item1, y.Item1) && Cmp.Equals(x.Item2, y.Item2);
        public int GetHashCode((string, string) obj) => HashCode.Combine(Cmp.GetHashCode(obj.Item1), Cmp.GetHashCode(obj.Item2));
    }
}
