using System;
using System.Linq;
using System.Text.Json.Nodes;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Seeds and paths for the Microsoft.KeyVault management-plane and customer-managed-key tests.</summary>
public static class KeyVaultTestTenant
{
    public const string KvVersion = "2026-02-01";
    public const string OtherTenant = "7e57c0de-0000-4000-8000-00000000bbbb";

    public static string Vaults(string group = Group) => $"{GroupPath(group)}/providers/Microsoft.KeyVault/vaults";

    public static string VaultPath(string name, string group = Group) => $"{Vaults(group)}/{name}";

    public static string KeyPath(string vault, string key, string group = Group) => $"{VaultPath(vault, group)}/keys/{key}";

    /// <summary>With the Key Vault api-version.</summary>
    public static string Kv(string path, string version = KvVersion) => $"{path}?api-version={version}";

    /// <summary>
    /// A seeded vault in the test tenant: eastus, standard, soft delete and purge protection on, RBAC unless
    /// <paramref name="rbac"/> is false; <paramref name="tweak"/> changes its properties.
    /// </summary>
    public static JsonObject VaultSeed(string name, bool rbac = true, Action<JsonObject>? tweak = null, string location = "eastus")
    {
        var properties = new JsonObject
        {
            ["tenantId"] = TenantId,
            ["sku"] = new JsonObject { ["family"] = "A", ["name"] = "standard" },
            ["enableSoftDelete"] = true,
            ["enablePurgeProtection"] = true,
            ["enableRbacAuthorization"] = rbac,
            ["publicNetworkAccess"] = "Enabled",
        };
        tweak?.Invoke(properties);
        return new JsonObject { ["type"] = "Microsoft.KeyVault/vaults", ["name"] = name, ["location"] = location, ["properties"] = properties };
    }

    public static JsonObject KeySeed(string vault, string key, string kty = "RSA", int? keySize = 2048, string? curve = null, int? versions = null)
    {
        var properties = new JsonObject { ["kty"] = kty };
        if (keySize is not null)
            properties["keySize"] = keySize;
        if (curve is not null)
            properties["curveName"] = curve;
        var seed = new JsonObject { ["type"] = "Microsoft.KeyVault/vaults/keys", ["name"] = $"{vault}/{key}", ["properties"] = properties };
        if (versions is not null)
            seed["versions"] = versions;
        return seed;
    }

    /// <summary>A vault PUT body (tenant, sku standard).</summary>
    public static JsonObject VaultBody(string location = "eastus", Action<JsonObject>? tweak = null)
    {
        var properties = new JsonObject
        {
            ["tenantId"] = TenantId,
            ["sku"] = new JsonObject { ["family"] = "A", ["name"] = "standard" },
        };
        tweak?.Invoke(properties);
        return new JsonObject { ["location"] = location, ["properties"] = properties };
    }

    public static JsonObject Policy(string objectId, string[]? keys = null, string[]? secrets = null, string tenantId = TenantId)
    {
        var permissions = new JsonObject();
        if (keys is not null)
            permissions["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k)]);
        if (secrets is not null)
            permissions["secrets"] = new JsonArray([.. secrets.Select(s => (JsonNode)s)]);
        return new JsonObject { ["tenantId"] = tenantId, ["objectId"] = objectId, ["permissions"] = permissions };
    }

    /// <summary>The test tenant's scenario with these resources (accounts included) in rg-test, and <paramref name="other"/> in rg-other.</summary>
    public static string Scenario(JsonObject[] resources, JsonObject[]? other = null, JsonObject[]? roleAssignments = null)
    {
        var scenario = JsonNode.Parse(TestTenant.Scenario(resources))!.AsObject();
        if (other is not null)
            scenario["subscriptions"]![0]!["resourceGroups"]![1]!["resources"] = new JsonArray([.. other.Select(o => (JsonNode)o.DeepClone())]);
        if (roleAssignments is not null)
            scenario["roleAssignments"] = new JsonArray([.. roleAssignments.Select(r => (JsonNode)r.DeepClone())]);
        return scenario.ToJsonString();
    }

    /// <summary>The official example payload of the Key Vault examples folder.</summary>
    public static JsonNode KvExample(string file) => NetworkTestTenant.Example("Microsoft.KeyVault", KvVersion, file);
}
