using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Azure.Core;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The REST knowledge of Microsoft.KeyVault's management plane (2026-02-01, arm-api.md §2): vaults, their access
    /// policies and keys with versions, all read through ARM so that a caller without data-plane rights can still check a
    /// customer-managed key. Accounts name their vault by URI only, so vaults are found by listing subscriptions; each
    /// subscription is listed at most once per instance (one instance per cmdlet invocation).
    /// </summary>
    internal sealed class KeyVaultService
    {
        private readonly ArmClient _arm;
        // Thread-safe: a parallel scan shares one instance, and accounts sharing a vault or key ask for it once.
        private readonly OnceCache<IReadOnlyList<JsonObject>> _vaultsBySubscription = new OnceCache<IReadOnlyList<JsonObject>>();
        private readonly OnceCache<JsonObject?> _vaultsByHost = new OnceCache<JsonObject?>();
        private readonly OnceCache<IReadOnlyList<string>> _subscriptions = new OnceCache<IReadOnlyList<string>>();
        private readonly OnceCache<JsonObject?> _keys = new OnceCache<JsonObject?>();

        public KeyVaultService(ArmClient arm) => _arm = arm;

        public JsonObject? GetVault(string vaultId, ArmCallOptions call) => _arm.GetOrNull(vaultId, ApiVersions.KeyVault, call);

        /// <summary>
        /// The vault whose vaultUri has this host: looked for in the preferred subscription first (usually the account's),
        /// then in every other subscription the caller can read. Null when none of them holds it.
        /// </summary>
        public JsonObject? FindVaultByHost(string host, string? preferredSubscription, ArmCallOptions call) =>
            _vaultsByHost.Get(host, () => LookForVault(host, preferredSubscription, call));

        private JsonObject? LookForVault(string host, string? preferredSubscription, ArmCallOptions call)
        {
            JsonObject? found = null;
            if (preferredSubscription != null) found = VaultsIn(preferredSubscription, call).FirstOrDefault(v => IsVaultOf(v, host));
            // Only a vault outside the preferred subscription costs the subscription list and further vault lists.
            foreach (var subscription in found != null ? Enumerable.Empty<string>() : Subscriptions(call))
            {
                if (Json.EqualsIgnoreCase(subscription, preferredSubscription)) continue;
                found = VaultsIn(subscription, call).FirstOrDefault(v => IsVaultOf(v, host));
                if (found != null) break;
            }
            return found;
        }

        /// <summary>The vault a name or host names: "kv-x" or "kv-x.vault.azure.net" (no resource group needed).</summary>
        public JsonObject? FindVaultByName(string name, string? preferredSubscription, ArmCallOptions call) =>
            FindVaultByHost($"{name.ToLowerInvariant()}.{_arm.Environment.KeyVaultDnsSuffix}", preferredSubscription, call);

        /// <summary>The key's current (newest) version, as the management plane shows it; null when there is no such key.</summary>
        public JsonObject? GetKey(string vaultId, string keyName, ArmCallOptions call) => _arm.GetOrNull($"{vaultId.TrimEnd('/')}/keys/{keyName}", ApiVersions.KeyVault, call);

        /// <summary>
        /// A key (its newest version, or the named one) read once per instance: accounts of a scan sharing a key cost one
        /// read. For checks only; a cmdlet about to change a key reads it with <see cref="GetKey"/>.
        /// </summary>
        public JsonObject? GetKeyShared(string vaultId, string keyName, string? version, ArmCallOptions call) =>
            _keys.Get($"{vaultId.TrimEnd('/')}/keys/{keyName}/{version}", () =>
                string.IsNullOrEmpty(version) ? GetKey(vaultId, keyName, call) : GetKeyVersion(vaultId, keyName, version!, call));

        public JsonObject? GetKeyVersion(string vaultId, string keyName, string version, ArmCallOptions call) =>
            _arm.GetOrNull($"{vaultId.TrimEnd('/')}/keys/{keyName}/versions/{version}", ApiVersions.KeyVault, call);

        /// <summary>
        /// A key at a version: the newest version (one GET), and the named one when it is another (a second GET).
        /// Used is null when the key, or that version, does not exist; Latest is null when the key does not.
        /// </summary>
        public (JsonObject? Latest, string? LatestVersion, JsonObject? Used) GetKeyAt(string vaultId, string keyName, string? version, ArmCallOptions call)
        {
            var latest = GetKey(vaultId, keyName, call);
            var latestVersion = KeyVaultKeyUri.VersionOf(Json.Str((latest?["properties"] as JsonObject)?["keyUriWithVersion"]));
            var used = latest != null && version != null && !Json.EqualsIgnoreCase(version, latestVersion)
                ? GetKeyVersion(vaultId, keyName, version, call)
                : latest;
            return (latest, latestVersion, used);
        }

        /// <summary>
        /// Adds key permissions for a principal (accessPolicies/add merges them into its entry, keeping what it has).
        /// Returns the vault's policies after the change.
        /// </summary>
        public JsonObject AddKeyPermissions(string vaultId, string tenantId, string objectId, IEnumerable<string> keyPermissions, ArmCallOptions call)
        {
            var entry = new JsonObject
            {
                ["tenantId"] = tenantId,
                ["objectId"] = objectId,
                ["permissions"] = new JsonObject { ["keys"] = new JsonArray(keyPermissions.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()) },
            };
            var body = new JsonObject { ["properties"] = new JsonObject { ["accessPolicies"] = new JsonArray(entry) } };
            return _arm.Send(RequestMethod.Put, $"{vaultId.TrimEnd('/')}/accessPolicies/add", ApiVersions.KeyVault, body, call) ?? new JsonObject();
        }

        private IReadOnlyList<string> Subscriptions(ArmCallOptions call) =>
            _subscriptions.Get(string.Empty, () => _arm.List("/subscriptions", ApiVersions.Subscriptions, call)
                .Select(s => Json.Str(s["subscriptionId"])).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList());

        private IReadOnlyList<JsonObject> VaultsIn(string subscriptionId, ArmCallOptions call) =>
            _vaultsBySubscription.Get(subscriptionId, () => ListVaults(subscriptionId, call));

        private IReadOnlyList<JsonObject> ListVaults(string subscriptionId, ArmCallOptions call)
        {
            IReadOnlyList<JsonObject> list;
            try
            {
                list = _arm.List($"/subscriptions/{subscriptionId}/providers/{KeyVaultResourceId.ResourceType}", ApiVersions.KeyVault, call).ToList();
            }
            catch (ArmRequestException ex) when (ex.Status == 403 || ex.Status == 404)
            {
                // A subscription the caller cannot list (or where the provider is not registered) holds nothing it can use.
                list = Array.Empty<JsonObject>();
            }
            return list;
        }

        private static bool IsVaultOf(JsonObject vault, string host)
        {
            var uriHost = KeyVaultKeyUri.HostOf(Json.Str((vault["properties"] as JsonObject)?["vaultUri"]));
            if (uriHost != null) return string.Equals(uriHost, host, StringComparison.OrdinalIgnoreCase);
            var name = Json.Str(vault["name"]);
            return name != null && host.StartsWith(name + ".", StringComparison.OrdinalIgnoreCase);
        }
    }
}
