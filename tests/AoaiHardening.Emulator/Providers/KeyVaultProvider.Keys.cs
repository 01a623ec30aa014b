using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Keys through the management plane (Keys_CreateIfNotExist, Get, List, GetVersion, ListVersions). A key is a
/// <c>Microsoft.KeyVault/vaults/keys</c> resource under its vault (so deleting the vault deletes it); its versions are
/// server-owned facts beside the body (oldest first, the last is current). ARM cannot add versions: the control API's
/// rotate route stands in for the data plane and auto-rotation. Missing key or version: 404 <c>KeyNotFound</c>.
/// </summary>
internal sealed partial class KeyVaultProvider
{
    public const string KeyType = VaultType + "/keys";
    private const string VersionsFact = "versions";
    private const int MaxSeededVersions = 100;

    private static readonly string[] KeyTypes = ["RSA", "RSA-HSM", "EC", "EC-HSM"];
    private static readonly int[] RsaSizes = [2048, 3072, 4096];
    private static readonly string[] Curves = ["P-256", "P-384", "P-521", "P-256K"];
    private static readonly string[] KeyOperations = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "release"];
    private static readonly string[] RsaDefaultOps = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
    private static readonly string[] EcDefaultOps = ["sign", "verify"];

    private void RegisterKeys()
    {
        state.Resources.RegisterView(KeyType, (json, r) =>
        {
            // A key renders as its current version (Keys_Get), wherever it is read from (the generic GET, /_emulator/resources).
            var rendered = RenderKey(state.Resources, r, CurrentVersion(r), asVersion: false);
            json.Clear();
            foreach (var (name, value) in rendered.ToList())
            {
                rendered.Remove(name);
                json[name] = value;
            }
        });
        state.RegisterSeedExpander(KeyType, ExpandSeededKey);
        state.RegisterAfterLoad(MintSeededVersions);
    }

    private void MapKeys(RouteGroupBuilder vaults)
    {
        vaults.MapGet("/{vaultName}/keys", ctx => Reply(ctx, () =>
            Page(ctx, state.Resources.Children(FindVault(ctx), KeyType), k => RenderKey(state.Resources, k, CurrentVersion(k), asVersion: false))));
        vaults.MapGet("/{vaultName}/keys/{keyName}", ctx => Reply(ctx, () =>
        {
            var key = FindKey(ctx);
            return new ArmReply(200, RenderKey(state.Resources, key, CurrentVersion(key), asVersion: false));
        }));
        vaults.MapPut("/{vaultName}/keys/{keyName}", ctx => Reply(ctx, () => PutKey(ctx)));
        vaults.MapGet("/{vaultName}/keys/{keyName}/versions", ctx => Reply(ctx, () =>
        {
            var key = FindKey(ctx);
            var items = KeyVersions(key).Select(v => (JsonNode)RenderKey(state.Resources, key, v, asVersion: true)).ToList();
            return Paging.Page(ctx, items, state.Config.PageSize);
        }));
        vaults.MapGet("/{vaultName}/keys/{keyName}/versions/{keyVersion}", ctx => Reply(ctx, () =>
        {
            var key = FindKey(ctx);
            var version = FindVersion(key, Route(ctx, "keyVersion")) ?? throw KeyNotFound($"{Route(ctx, "keyName")}/{Route(ctx, "keyVersion")}");
            return new ArmReply(200, RenderKey(state.Resources, key, version, asVersion: true));
        }));
    }

    /// <summary>
    /// Keys_CreateIfNotExist: the first version of a new key (200), or the existing key unchanged — no new version, no
    /// update, as the operation's contract says.
    /// </summary>
    private ArmReply PutKey(HttpContext ctx)
    {
        var vault = FindVault(ctx);
        var name = Route(ctx, "keyName");
        if (!KeyName().IsMatch(name))
            throw ArmErrors.BadRequest("BadRequest", $"The key name '{name}' is invalid: 1-127 letters, digits and dashes.");
        if (FindKey(state.Resources, vault, name) is { } existing)
            return new ArmReply(200, RenderKey(state.Resources, existing, CurrentVersion(existing), asVersion: false));

        var request = RequestBody.RequireObject(ctx);
        var premium = string.Equals(vault.Body["properties"]?["sku"].StringAt("name"), "premium", StringComparison.OrdinalIgnoreCase);
        var properties = KeyProperties(request["properties"], premium, message => ArmErrors.BadRequest("BadRequest", message));
        var body = new JsonObject { ["properties"] = properties };
        if (request["tags"] is JsonObject tags)
            body["tags"] = tags.DeepClone();
        var key = state.Resources.Add($"{vault.Id}/keys/{name}", vault.SubscriptionId, vault.ResourceGroup, KeyType, $"{vault.Name}/{name}", body);
        AddVersion(key, enabled: properties["attributes"]?["enabled"] is JsonValue e && e.TryGetValue<bool>(out var on) ? on : true);
        return new ArmReply(200, RenderKey(state.Resources, key, CurrentVersion(key), asVersion: false));
    }

    /// <summary>
    /// The key's stored properties, checked: kty RSA|RSA-HSM|EC|EC-HSM; RSA keySize 2048|3072|4096 (default 2048); EC
    /// curveName P-256|P-384|P-521|P-256K; HSM types only in a premium vault; keyOps from the enum (defaults by type).
    /// </summary>
    internal static JsonObject KeyProperties(JsonNode? given, bool premiumVault, Func<string, Exception> fail)
    {
        var properties = given is JsonObject o ? (JsonObject)o.DeepClone() : throw fail("The key's properties (kty at least) are required.");
        var kty = KeyTypes.FirstOrDefault(k => k.Equals(properties.StringAt("kty"), StringComparison.OrdinalIgnoreCase))
            ?? throw fail($"The key type (kty) '{properties["kty"]?.ToJsonString() ?? "(missing)"}' is invalid; it must be one of {string.Join(", ", KeyTypes)}.");
        properties["kty"] = kty;
        if (kty.EndsWith("-HSM", StringComparison.Ordinal) && !premiumVault)
            throw fail($"Key type '{kty}' needs a premium vault (HSM-protected keys); this vault's sku is standard.");
        if (kty.StartsWith("RSA", StringComparison.Ordinal))
        {
            var size = properties["keySize"] is null ? 2048
                : properties["keySize"] is JsonValue v && v.TryGetValue<int>(out var s) ? s : -1;
            if (!RsaSizes.Contains(size))
                throw fail($"The RSA key size {properties["keySize"]?.ToJsonString()} is invalid; it must be 2048, 3072 or 4096.");
            properties["keySize"] = size;
            properties.Remove("curveName");
        }
        else
        {
            properties["curveName"] = Curves.FirstOrDefault(c => c.Equals(properties.StringAt("curveName"), StringComparison.OrdinalIgnoreCase))
                ?? throw fail($"The curve name '{properties["curveName"]?.ToJsonString() ?? "(missing)"}' is invalid; an {kty} key needs one of {string.Join(", ", Curves)}.");
            properties.Remove("keySize");
        }
        if (properties["keyOps"] is JsonNode ops)
        {
            var canonical = new JsonArray();
            foreach (var op in ops as JsonArray ?? throw fail("keyOps must be an array."))
                canonical.Add(KeyOperations.FirstOrDefault(k => k.Equals((op as JsonValue)?.ToString(), StringComparison.OrdinalIgnoreCase))
                    ?? throw fail($"The key operation {op?.ToJsonString()} is invalid; valid: {string.Join(", ", KeyOperations)}."));
            properties["keyOps"] = canonical;
        }
        else
            properties["keyOps"] = new JsonArray([.. (kty.StartsWith("RSA", StringComparison.Ordinal) ? RsaDefaultOps : EcDefaultOps).Select(x => (JsonNode)x)]);
        foreach (var readOnly in new[] { "keyUri", "keyUriWithVersion" })
            properties.Remove(readOnly);
        if (properties["attributes"] is JsonObject attributes)
            foreach (var readOnly in new[] { "created", "updated", "recoveryLevel" })
                attributes.Remove(readOnly);
        return properties;
    }

    // ---------------------------------------------------------------- versions

    /// <summary>Oldest first; the last is the current version.</summary>
    internal static IReadOnlyList<JsonObject> KeyVersions(ArmResource key) =>
        key.Facts[VersionsFact] is JsonArray versions ? [.. versions.OfType<JsonObject>()] : [];

    internal static JsonObject? CurrentVersion(ArmResource key) => KeyVersions(key).LastOrDefault();

    internal static JsonObject? FindVersion(ArmResource key, string version) =>
        KeyVersions(key).FirstOrDefault(v => string.Equals(v.StringAt("version"), version, StringComparison.OrdinalIgnoreCase));

    internal static bool VersionEnabled(JsonObject version) => version["enabled"]?.GetValue<bool>() ?? true;

    /// <summary>A new current version: 32 lower-case hex digits, as Key Vault names them.</summary>
    internal static JsonObject AddVersion(ArmResource key, string? id = null, long? created = null, bool enabled = true)
    {
        if (key.Facts[VersionsFact] is not JsonArray versions)
            key.Facts[VersionsFact] = versions = new JsonArray();
        var at = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var version = new JsonObject
        {
            ["version"] = id ?? Guid.NewGuid().ToString("N"), ["created"] = at, ["updated"] = at, ["enabled"] = enabled,
        };
        versions.Add(version);
        key.Touch();
        return version;
    }

    internal static ArmResource? FindKey(ResourceStore store, ArmResource vault, string name) => store.Find($"{vault.Id}/keys/{name}", KeyType);

    private ArmResource FindKey(HttpContext ctx) =>
        FindKey(state.Resources, FindVault(ctx), Route(ctx, "keyName")) ?? throw KeyNotFound(Route(ctx, "keyName"));

    private static ArmException KeyNotFound(string nameAndVersion) => new(404, "KeyNotFound",
        $"A key with (name/id) {nameAndVersion} was not found in this key vault. " +
        "If you recently deleted this key you may be able to recover it using the correct recovery command.");

    /// <summary>
    /// The getKey.json/createKey.json shape: <c>keyUri</c> with <c>:443</c>, attributes with unix times and the recovery
    /// level the vault gives (Recoverable with purge protection, Recoverable+Purgeable with soft delete only, else
    /// Purgeable). A version (Keys_GetVersion) has id <c>…/keys/{name}/versions/{version}</c>, its version as name and type
    /// <c>Microsoft.KeyVault/vaults/keys/versions</c> (the spec's examples do not show one: a guess).
    /// </summary>
    internal static JsonObject RenderKey(ResourceStore store, ArmResource key, JsonObject? version, bool asVersion)
    {
        var vaultId = key.Id[..key.Id.LastIndexOf("/keys/", StringComparison.OrdinalIgnoreCase)];
        var vault = store.Find(vaultId, VaultType);
        var keyName = key.Name[(key.Name.LastIndexOf('/') + 1)..];
        var host = new Uri(vault is null ? $"https://{key.Name.Split('/')[0].ToLowerInvariant()}.vault.azure.net/" : VaultUri(vault)).Host;
        var keyUri = $"https://{host}:443/keys/{keyName}";
        var stored = key.Body["properties"] as JsonObject ?? new JsonObject();
        var givenAttributes = stored["attributes"] as JsonObject;

        var attributes = new JsonObject { ["enabled"] = version is null || VersionEnabled(version) };
        foreach (var optional in new[] { "nbf", "exp" })
            if (givenAttributes?[optional] is { } value)
                attributes[optional] = value.DeepClone();
        attributes["created"] = version?["created"]?.DeepClone();
        attributes["updated"] = version?["updated"]?.DeepClone();
        attributes["recoveryLevel"] = vault is null ? "Purgeable"
            : SoftDelete(vault.Body) && PurgeProtection(vault.Body) ? "Recoverable"
            : SoftDelete(vault.Body) ? "Recoverable+Purgeable" : "Purgeable";
        attributes["exportable"] = givenAttributes?["exportable"]?.DeepClone() ?? false;

        var properties = new JsonObject { ["attributes"] = attributes };
        foreach (var (name, value) in stored)
            if (name != "attributes")
                properties[name] = value?.DeepClone();
        properties["keyUri"] = keyUri;
        properties["keyUriWithVersion"] = version is null ? null : $"{keyUri}/{version.StringAt("version")}";

        var json = new JsonObject
        {
            ["id"] = asVersion && version is not null ? $"{key.Id}/versions/{version.StringAt("version")}" : key.Id,
            ["name"] = asVersion && version is not null ? version.StringAt("version") : keyName,
            ["type"] = asVersion ? KeyType + "/versions" : KeyType,
            ["location"] = vault?.Body.StringAt("location"),
        };
        if (key.Body["tags"] is JsonObject tags)
            json["tags"] = tags.DeepClone();
        json["properties"] = properties;
        return json;
    }

    // ---------------------------------------------------------------- control API (test side channel)

    /// <summary>Adds a version (same kty/size), which becomes current; the new version as Keys_GetVersion renders it, or null.</summary>
    internal static JsonObject? RotateKey(EmulatorState state, string vaultName, string keyName)
    {
        lock (state.Gate)
        {
            if (state.FindVault(vaultName) is not { } vault || FindKey(state.Resources, vault, keyName) is not { } key)
                return null;
            var version = AddVersion(key);
            return RenderKey(state.Resources, key, version, asVersion: true);
        }
    }

    /// <summary>Sets one version's enabled attribute; the version as rendered, or null when vault, key or version is missing.</summary>
    internal static JsonObject? SetVersionEnabled(EmulatorState state, string vaultName, string keyName, string versionId, bool enabled)
    {
        lock (state.Gate)
        {
            if (state.FindVault(vaultName) is not { } vault || FindKey(state.Resources, vault, keyName) is not { } key
                || FindVersion(key, versionId) is not { } version)
                return null;
            version["enabled"] = enabled;
            version["updated"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            key.Touch();
            return RenderKey(state.Resources, key, version, asVersion: true);
        }
    }

    // ---------------------------------------------------------------- scenario seeds

    /// <summary>
    /// A seeded key (<c>"name": "vault/key"</c>) is checked like a create (HSM types allowed: the seed's vault is not known
    /// yet) and stored with its properties completed; <c>"versions": N</c> (1–100, default 1) stays until load mints them.
    /// </summary>
    private static IEnumerable<SeedResource> ExpandSeededKey(SeedResource seed)
    {
        var names = seed.Name.Split('/');
        if (names.Length != 2 || !VaultName().IsMatch(names[0]) || !KeyName().IsMatch(names[1]))
            throw new ScenarioException($"Key '{seed.Name}': the name must be 'vault/key' (vault 3-24, key 1-127 letters, digits and dashes).");
        var body = (JsonObject)seed.Body.DeepClone();
        body["properties"] = KeyProperties(body["properties"], premiumVault: true, message => new ScenarioException($"Key '{seed.Name}': {message}"));
        if (body["versions"] is { } count && !(count is JsonValue v && v.TryGetValue<int>(out var n) && n is >= 1 and <= MaxSeededVersions))
            throw new ScenarioException($"Key '{seed.Name}': \"versions\" must be a whole number from 1 to {MaxSeededVersions}.");
        return [seed with { Body = body }];
    }

    /// <summary>
    /// Seeded keys get their versions: N of them, a day apart, the newest current; ids derived from the key id and the
    /// version's position, so every load (and reset) of a scenario gives the same ids.
    /// </summary>
    private void MintSeededVersions(IReadOnlyList<ArmResource> seeded)
    {
        foreach (var key in seeded.Where(k => k.Type.Equals(KeyType, StringComparison.OrdinalIgnoreCase) && KeyVersions(k).Count == 0).ToList())
        {
            var count = key.Body["versions"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 1;
            key.Body.Remove("versions");
            var enabled = key.Body["properties"]?["attributes"]?["enabled"] is JsonValue e && e.TryGetValue<bool>(out var on) ? on : true;
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            for (var i = 0; i < count; i++)
                AddVersion(key, SeededVersionId(key.Id, i), now - (count - 1 - i) * 86400L, enabled);
        }
    }

    internal static string SeededVersionId(string keyId, int index) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"keyVersion:{keyId.ToLowerInvariant()}:{index}"))[..16]);

    [GeneratedRegex("^[a-zA-Z0-9-]{1,127}$")]
    private static partial Regex KeyName();
}
