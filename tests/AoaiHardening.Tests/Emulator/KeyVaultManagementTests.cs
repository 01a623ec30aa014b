using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.KeyVaultTestTenant;
using static AoaiHardening.Tests.Emulator.NetworkTestTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.KeyVault management plane: vaults, access policies, keys and the key control routes.</summary>
public sealed class KeyVaultManagementTests(EmulatorFixture emu) : EmulatorTest(emu, KeyVaultTestTenant.Scenario(
[
    Account("acct-a"),
    VaultSeed("kv-seeded"),
    VaultSeed("kv-premium", tweak: p => p["sku"]!["name"] = "premium"),
    KeySeed("kv-seeded", "seeded-key", versions: 3),
]))
{
    private const string ObjectA = "0b1ec7a0-0000-4000-8000-00000000000a";
    private const string ObjectB = "0b1ec7b0-0000-4000-8000-00000000000b";
    private const string HexVersion = "^[0-9a-f]{32}$";

    private static JsonNode Without(JsonNode example, params string[] paths)
    {
        var copy = example.DeepClone();
        foreach (var path in paths)
        {
            var parts = path.Split('.');
            var parent = copy;
            foreach (var part in parts[..^1])
                parent = parent![part];
            parent!.AsObject().Remove(parts[^1]);
        }
        return copy;
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, JsonNode? body = null) => Emu.SendAsync(method, Kv(path), body);

    private async Task<JsonNode> Patch(string path, JsonNode body, int expected = 200)
    {
        var response = await Send(HttpMethod.Patch, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"PATCH {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    // ---------------------------------------------------------------- vaults

    [Fact]
    public async Task The_network_acls_example_creates_201_then_replaces_200_in_the_examples_shape_with_defaults()
    {
        var example = KvExample("createVaultWithNetworkAcls.json");
        var body = example["parameters"]!["parameters"]!.DeepClone();
        body["properties"]!["futureField"] = "kept";

        var created = await Emu.PutAsync(Kv(VaultPath("sample-vault")), body, 201);
        var replaced = await Emu.PutAsync(Kv(VaultPath("sample-vault")), body, 200);

        // hsmPoolResourceId and systemData are not emulated.
        AssertShape(Without(example["responses"]!["201"]!["body"]!, "properties.hsmPoolResourceId", "systemData"), created);
        AssertShape(Without(example["responses"]!["200"]!["body"]!, "properties.hsmPoolResourceId", "systemData"), replaced);
        var p = created["properties"]!;
        Assert.Equal(VaultPath("sample-vault"), (string?)created["id"]);
        Assert.Equal("sample-vault", (string?)created["name"]);
        Assert.Equal("Microsoft.KeyVault/vaults", (string?)created["type"]);
        Assert.Equal("https://sample-vault.vault.azure.net/", (string?)p["vaultUri"]);
        Assert.Equal("Succeeded", (string?)p["provisioningState"]);
        Assert.True((bool)p["enableSoftDelete"]!);
        Assert.Equal(90, (int)p["softDeleteRetentionInDays"]!);
        Assert.False((bool)p["enableRbacAuthorization"]!);
        Assert.Equal("kept", (string?)p["futureField"]);
        Assert.Null(created["etag"]);
        Assert.True(JsonNode.DeepEquals(replaced, await Emu.GetJsonAsync(Kv(VaultPath("sample-vault")))));
    }

    [Fact]
    public async Task A_client_cannot_set_the_vault_uri()
    {
        var created = await Emu.PutAsync(Kv(VaultPath("KV-Upper")), VaultBody(tweak: p => p["vaultUri"] = "https://elsewhere.example.com/"), 201);

        Assert.Equal("https://kv-upper.vault.azure.net/", (string?)created["properties"]!["vaultUri"]);
    }

    [Theory]
    [InlineData("kv-new", """{"properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"}}}""", "LocationRequired")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"sku":{"family":"A","name":"standard"}}}""", "InvalidTenantId")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"not-a-guid","sku":{"family":"A","name":"standard"}}}""", "InvalidTenantId")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa"}}""", "InvalidSku")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"B","name":"standard"}}}""", "InvalidSku")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"gold"}}}""", "InvalidSku")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"},"enablePurgeProtection":false}}""", "BadRequest")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"},"softDeleteRetentionInDays":3}}""", "BadRequest")]
    [InlineData("kv-new", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"},"accessPolicies":[{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","objectId":"x","permissions":{}}]}}""", "BadRequest")]
    [InlineData("kv", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"}}}""", "VaultNameNotValid")]
    [InlineData("kv_under_score", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"}}}""", "VaultNameNotValid")]
    [InlineData("kv-name-longer-than-24-chars", """{"location":"eastus","properties":{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","sku":{"family":"A","name":"standard"}}}""", "VaultNameNotValid")]
    public async Task A_bad_vault_put_is_400_and_creates_nothing(string name, string body, string code)
    {
        await (await Emu.SendAsync(HttpMethod.Put, Kv(VaultPath(name)), body)).AssertErrorAsync(400, code);

        Assert.Null(Emu.State.GetResource(VaultPath(name)));
    }

    [Fact]
    public async Task Soft_delete_and_purge_protection_are_one_way()
    {
        await Emu.PutAsync(Kv(VaultPath("kv-oneway")), VaultBody(tweak: p => p["enablePurgeProtection"] = true), 201);
        var before = Emu.State.GetResource(VaultPath("kv-oneway"))!;

        // A replace that leaves them out keeps them on.
        var replaced = await Emu.PutAsync(Kv(VaultPath("kv-oneway")), VaultBody(), 200);
        Assert.True((bool)replaced["properties"]!["enablePurgeProtection"]!);
        Assert.True((bool)replaced["properties"]!["enableSoftDelete"]!);

        var purgeOff = JsonNode.Parse("""{"properties":{"enablePurgeProtection":false}}""");
        var softOff = JsonNode.Parse("""{"properties":{"enableSoftDelete":false}}""");
        Assert.Contains("irreversible", await (await Send(HttpMethod.Patch, VaultPath("kv-oneway"), purgeOff)).AssertErrorAsync(400, "BadRequest"));
        Assert.Contains("enableSoftDelete", await (await Send(HttpMethod.Patch, VaultPath("kv-oneway"), softOff)).AssertErrorAsync(400, "BadRequest"));
        await (await Send(HttpMethod.Put, VaultPath("kv-oneway"), VaultBody(tweak: p => p["enableSoftDelete"] = false))).AssertErrorAsync(400, "BadRequest");
        await (await Send(HttpMethod.Put, VaultPath("kv-oneway"), VaultBody(tweak: p => p["enablePurgeProtection"] = false))).AssertErrorAsync(400, "BadRequest");
        await (await Send(HttpMethod.Put, VaultPath("kv-oneway"), VaultBody("westus"))).AssertErrorAsync(400, "InvalidResourceLocation");

        Assert.True(JsonNode.DeepEquals(before["properties"], Emu.State.GetResource(VaultPath("kv-oneway"))!["properties"]));
    }

    [Fact]
    public async Task Soft_delete_may_start_off_and_be_turned_on_once()
    {
        var created = await Emu.PutAsync(Kv(VaultPath("kv-soft")), VaultBody(tweak: p => p["enableSoftDelete"] = false), 201);
        Assert.False((bool)created["properties"]!["enableSoftDelete"]!);
        Assert.Null(created["properties"]!["softDeleteRetentionInDays"]);

        var on = await Patch(VaultPath("kv-soft"), JsonNode.Parse("""{"properties":{"enableSoftDelete":true,"enablePurgeProtection":true}}""")!);

        Assert.True((bool)on["properties"]!["enableSoftDelete"]!);
        Assert.Equal(90, (int)on["properties"]!["softDeleteRetentionInDays"]!);
        Assert.True((bool)on["properties"]!["enablePurgeProtection"]!);
    }

    [Fact]
    public async Task The_update_example_patches_by_merge_and_access_policies_replace()
    {
        await Emu.PutAsync(Kv(VaultPath("sample-vault")), VaultBody(tweak: p =>
        {
            p["accessPolicies"] = new JsonArray(Policy(ObjectA, keys: ["get"]), Policy(ObjectB, secrets: ["get"]));
            p["custom"] = "kept";
        }), 201);
        var example = KvExample("updateVault.json");

        var patched = await Patch(VaultPath("sample-vault"), example["parameters"]!["parameters"]!);
        var tagged = await Patch(VaultPath("sample-vault"), JsonNode.Parse("""{"tags":{"env":"test"}}""")!);

        // The example's response shows networkAcls and private endpoint connections the request never set: not echoed.
        AssertShape(Without(example["responses"]!["200"]!["body"]!, "properties.hsmPoolResourceId", "properties.networkAcls",
            "properties.privateEndpointConnections", "systemData"), patched);
        var policies = patched["properties"]!["accessPolicies"]!.AsArray();
        Assert.Single(policies);
        Assert.Equal("00000000-0000-0000-0000-000000000000", (string?)policies[0]!["objectId"]);
        Assert.Equal("kept", (string?)patched["properties"]!["custom"]);
        Assert.True((bool)patched["properties"]!["enabledForDeployment"]!);
        Assert.Equal("test", (string?)tagged["tags"]!["env"]);
        Assert.True(JsonNode.DeepEquals(patched["properties"], tagged["properties"]));
    }

    [Fact]
    public async Task A_seeded_vault_without_tenant_or_sku_still_takes_a_tags_patch()
    {
        Emu.Reset(KeyVaultTestTenant.Scenario([new JsonObject { ["type"] = "Microsoft.KeyVault/vaults", ["name"] = "kv-bare", ["location"] = "eastus", ["properties"] = new JsonObject() }]));

        var patched = await Patch(VaultPath("kv-bare"), JsonNode.Parse("""{"tags":{"a":"1"}}""")!);

        Assert.Equal("1", (string?)patched["tags"]!["a"]);
    }

    [Fact]
    public async Task Delete_is_200_then_204_and_takes_the_keys_along()
    {
        Assert.NotNull(Emu.State.GetResource(KeyPath("kv-seeded", "seeded-key")));

        var deleted = await Send(HttpMethod.Delete, VaultPath("kv-seeded"));
        var again = await Send(HttpMethod.Delete, VaultPath("kv-seeded"));

        Assert.Equal(200, (int)deleted.StatusCode);
        Assert.Equal(204, (int)again.StatusCode);
        Assert.Null(Emu.State.GetResource(KeyPath("kv-seeded", "seeded-key")));
        await (await Send(HttpMethod.Get, VaultPath("kv-seeded"))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Send(HttpMethod.Get, KeyPath("kv-seeded", "seeded-key"))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.False(Emu.State.VaultExists("kv-seeded")); // its data-plane host is gone too
    }

    [Fact]
    public async Task Lists_by_group_and_subscription_are_paged()
    {
        Emu.State.Config = Emu.State.Config with { PageSize = 2 };
        await Emu.PutAsync(Kv(VaultPath("kv-third")), VaultBody(), 201);
        await Emu.PutAsync(Kv(VaultPath("kv-away", OtherGroup)), VaultBody("westeurope"), 201);

        async Task<List<string>> All(string path)
        {
            var names = new List<string>();
            for (var next = Kv(path); next is not null;)
            {
                var page = await Emu.GetJsonAsync(next);
                names.AddRange(Names(page["value"]));
                next = page["nextLink"] is { } link ? new Uri((string)link!).PathAndQuery : null;
            }
            return names;
        }

        var first = await Emu.GetJsonAsync(Kv(Vaults()));
        Assert.Equal(2, first["value"]!.AsArray().Count);
        Assert.NotNull(first["nextLink"]);
        Assert.Equal(["kv-seeded", "kv-premium", "kv-third"], await All(Vaults()));
        Assert.Equal(["kv-seeded", "kv-premium", "kv-third", "kv-away"], await All($"/subscriptions/{Subscription}/providers/Microsoft.KeyVault/vaults"));
        Assert.Single((await Emu.GetJsonAsync(Kv(Vaults()) + "&$top=1"))["value"]!.AsArray());
    }

    [Fact]
    public async Task Only_the_two_Key_Vault_api_versions_are_accepted()
    {
        Assert.Equal("kv-seeded", (string?)(await Emu.GetJsonAsync(Kv(VaultPath("kv-seeded"), "2025-05-01")))["name"]);
        var message = await (await Emu.Http.GetAsync(Kv(VaultPath("kv-seeded"), "2023-07-01"))).AssertErrorAsync(400, "InvalidApiVersionParameter");
        Assert.Contains("2026-02-01,2025-05-01", message);
        await (await Emu.Http.GetAsync(Kv(KeyPath("kv-seeded", "seeded-key"), "2025-09-01"))).AssertErrorAsync(400, "InvalidApiVersionParameter");
        await (await Emu.Http.GetAsync(VaultPath("kv-seeded"))).AssertErrorAsync(400, "MissingApiVersionParameter");
    }

    // ---------------------------------------------------------------- access policies

    private async Task<JsonNode> UpdatePolicies(string kind, params JsonObject[] entries)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["accessPolicies"] = new JsonArray([.. entries]) } };
        var response = await Send(HttpMethod.Put, $"{VaultPath("kv-seeded")}/accessPolicies/{kind}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(200 == (int)response.StatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private static string[] Keys(JsonNode policies, string objectId) =>
        [.. policies.AsArray().Single(p => (string?)p!["objectId"] == objectId)!["permissions"]!["keys"]!.AsArray().Select(k => (string)k!)];

    [Fact]
    public async Task The_add_example_is_answered_in_its_shape()
    {
        var example = KvExample("updateAccessPoliciesAdd.json");

        var response = await Send(HttpMethod.Put, $"{VaultPath("kv-seeded")}/accessPolicies/add", example["parameters"]!["parameters"]);
        var answer = await response.JsonAsync();

        Assert.Equal(200, (int)response.StatusCode);
        AssertShape(example["responses"]!["200"]!["body"]!, answer);
        Assert.Equal("Microsoft.KeyVault/vaults/accessPolicies", (string?)answer["type"]);
        Assert.Equal($"{VaultPath("kv-seeded")}/accessPolicies/add", (string?)answer["id"]);
        Assert.True(JsonNode.DeepEquals(example["responses"]!["200"]!["body"]!["properties"], answer["properties"]));
    }

    [Fact]
    public async Task Add_twice_unions_into_one_entry_replace_sets_and_remove_drops_an_emptied_entry()
    {
        await UpdatePolicies("add", Policy(ObjectA, keys: ["get", "wrapKey"]));
        var added = await UpdatePolicies("ADD", Policy(ObjectA, keys: ["WRAPKEY", "unwrapKey"], secrets: ["list"]), Policy(ObjectB, keys: ["list"]));
        var list = added["properties"]!["accessPolicies"]!;

        Assert.Equal(2, list.AsArray().Count);
        Assert.Equal(["get", "wrapKey", "unwrapKey"], Keys(list, ObjectA));
        Assert.Equal("list", (string?)list[0]!["permissions"]!["secrets"]![0]);
        Assert.Equal($"{VaultPath("kv-seeded")}/accessPolicies/add", (string?)added["id"]);

        var replaced = (await UpdatePolicies("replace", Policy(ObjectA, keys: ["get"])))["properties"]!["accessPolicies"]!;
        Assert.Equal(["get"], Keys(replaced, ObjectA));
        Assert.Empty(replaced[0]!["permissions"]!["secrets"]!.AsArray());

        var removed = (await UpdatePolicies("remove", Policy(ObjectA, keys: ["get"]), Policy(ObjectB, keys: ["get"])))["properties"]!["accessPolicies"]!;
        Assert.Equal(ObjectB, (string?)removed.AsArray().Single()!["objectId"]);
        Assert.Equal(["list"], Keys(removed, ObjectB));

        var vault = await Emu.GetJsonAsync(Kv(VaultPath("kv-seeded")));
        Assert.True(JsonNode.DeepEquals(removed, vault["properties"]!["accessPolicies"]));
    }

    [Fact]
    public async Task Entries_differ_by_application_id()
    {
        var withApp = Policy(ObjectA, keys: ["get"]);
        withApp["applicationId"] = "a9910000-0000-4000-8000-000000000001";

        var list = (await UpdatePolicies("add", Policy(ObjectA, keys: ["list"]), withApp))["properties"]!["accessPolicies"]!.AsArray();

        Assert.Equal(2, list.Count);
        Assert.Equal("a9910000-0000-4000-8000-000000000001", (string?)list[1]!["applicationId"]);
    }

    [Theory]
    [InlineData("merge", """{"properties":{"accessPolicies":[]}}""")]
    [InlineData("add", """{"properties":{}}""")]
    [InlineData("add", """{"properties":{"accessPolicies":[{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","objectId":"not-a-guid","permissions":{"keys":["get"]}}]}}""")]
    [InlineData("add", """{"properties":{"accessPolicies":[{"tenantId":"nope","objectId":"0b1ec7a0-0000-4000-8000-00000000000a","permissions":{"keys":["get"]}}]}}""")]
    [InlineData("add", """{"properties":{"accessPolicies":[{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","objectId":"0b1ec7a0-0000-4000-8000-00000000000a","permissions":{"keys":["fly"]}}]}}""")]
    [InlineData("add", """{"properties":{"accessPolicies":[{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","objectId":"0b1ec7a0-0000-4000-8000-00000000000a","permissions":{"secrets":["wrapKey"]}}]}}""")]
    [InlineData("add", """{"properties":{"accessPolicies":[{"tenantId":"7e57c0de-0000-4000-8000-00000000aaaa","objectId":"0b1ec7a0-0000-4000-8000-00000000000a","permissions":{"gadgets":["get"]}}]}}""")]
    public async Task Bad_access_policy_updates_are_400_and_change_nothing(string kind, string body)
    {
        var message = await (await Emu.SendAsync(HttpMethod.Put, Kv($"{VaultPath("kv-seeded")}/accessPolicies/{kind}"), body)).AssertErrorAsync(400, "BadRequest");

        Assert.NotEmpty(message);
        Assert.Empty(Emu.State.GetResource(VaultPath("kv-seeded"))!["properties"]!["accessPolicies"]?.AsArray() ?? new JsonArray());
    }

    [Fact]
    public async Task Access_policies_of_a_missing_vault_are_404()
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["accessPolicies"] = new JsonArray(Policy(ObjectA, keys: ["get"])) } };
        await (await Send(HttpMethod.Put, $"{VaultPath("kv-missing")}/accessPolicies/add", body)).AssertErrorAsync(404, "ResourceNotFound");
    }

    // ---------------------------------------------------------------- keys

    [Fact]
    public async Task The_create_key_example_creates_one_version_and_a_second_put_creates_none()
    {
        var example = KvExample("createKey.json");
        var expected = example["responses"]!["200"]!["body"]!;

        var created = await Emu.PutAsync(Kv(KeyPath("kv-seeded", "sample-key-name")), example["parameters"]!["parameters"]!, 200);
        var again = await Emu.PutAsync(Kv(KeyPath("kv-seeded", "sample-key-name")), JsonNode.Parse("""{"properties":{"kty":"EC","curveName":"P-256"}}""")!, 200);

        AssertShape(expected, created);
        AssertShape(KvExample("getKey.json")["responses"]!["200"]!["body"]!, await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "sample-key-name"))));
        var p = created["properties"]!;
        Assert.Equal("sample-key-name", (string?)created["name"]);
        Assert.Equal("Microsoft.KeyVault/vaults/keys", (string?)created["type"]);
        Assert.Equal(KeyPath("kv-seeded", "sample-key-name"), (string?)created["id"]);
        Assert.Equal("eastus", (string?)created["location"]);
        Assert.Equal("RSA", (string?)p["kty"]);
        Assert.Equal(2048, (int)p["keySize"]!);
        Assert.True(JsonNode.DeepEquals(expected["properties"]!["keyOps"], p["keyOps"]));
        Assert.Equal("https://kv-seeded.vault.azure.net:443/keys/sample-key-name", (string?)p["keyUri"]);
        Assert.Matches($"^https://kv-seeded\\.vault\\.azure\\.net:443/keys/sample-key-name/[0-9a-f]{{32}}$", (string?)p["keyUriWithVersion"]);
        Assert.True((bool)p["attributes"]!["enabled"]!);
        Assert.False((bool)p["attributes"]!["exportable"]!);
        Assert.Equal("Recoverable", (string?)p["attributes"]!["recoveryLevel"]);
        Assert.InRange((long)p["attributes"]!["created"]!, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(JsonNode.DeepEquals(created, again));
        Assert.Single((await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "sample-key-name") + "/versions")))["value"]!.AsArray());
    }

    [Theory]
    [InlineData("kv-seeded", """{"properties":{}}""")]
    [InlineData("kv-seeded", """{}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"oct"}}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"RSA","keySize":1024}}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"EC"}}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"EC","curveName":"P-999"}}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"RSA-HSM"}}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"EC-HSM","curveName":"P-256"}}""")]
    [InlineData("kv-seeded", """{"properties":{"kty":"RSA","keyOps":["fly"]}}""")]
    public async Task A_bad_key_is_400_and_not_created(string vault, string body)
    {
        await (await Emu.SendAsync(HttpMethod.Put, Kv(KeyPath(vault, "new-key")), body)).AssertErrorAsync(400, "BadRequest");

        Assert.Null(Emu.State.GetResource(KeyPath(vault, "new-key")));
    }

    [Fact]
    public async Task Key_types_and_sizes_follow_the_vault_sku()
    {
        var hsm = await Emu.PutAsync(Kv(KeyPath("kv-premium", "hsm")), JsonNode.Parse("""{"properties":{"kty":"rsa-hsm","keySize":4096}}""")!, 200);
        var ec = await Emu.PutAsync(Kv(KeyPath("kv-seeded", "ec")), JsonNode.Parse("""{"properties":{"kty":"EC","curveName":"p-384","keySize":2048}}""")!, 200);

        Assert.Equal("RSA-HSM", (string?)hsm["properties"]!["kty"]);
        Assert.Equal(4096, (int)hsm["properties"]!["keySize"]!);
        Assert.Equal("P-384", (string?)ec["properties"]!["curveName"]);
        Assert.Null(ec["properties"]!["keySize"]);
        Assert.Equal(["sign", "verify"], ec["properties"]!["keyOps"]!.AsArray().Select(o => (string)o!));
        await (await Emu.SendAsync(HttpMethod.Put, Kv(KeyPath("kv-seeded", "bad name!")), JsonNode.Parse("""{"properties":{"kty":"RSA"}}"""))).AssertErrorAsync(400, "BadRequest");
    }

    [Fact]
    public async Task Missing_vault_key_or_version_is_404()
    {
        await (await Send(HttpMethod.Get, KeyPath("kv-missing", "k"))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Send(HttpMethod.Put, KeyPath("kv-missing", "k"), JsonNode.Parse("""{"properties":{"kty":"RSA"}}"""))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Contains("nokey", await (await Send(HttpMethod.Get, KeyPath("kv-seeded", "nokey"))).AssertErrorAsync(404, "KeyNotFound"));
        await (await Send(HttpMethod.Get, KeyPath("kv-seeded", "nokey") + "/versions")).AssertErrorAsync(404, "KeyNotFound");
        await (await Send(HttpMethod.Get, KeyPath("kv-seeded", "seeded-key") + "/versions/" + new string('0', 32))).AssertErrorAsync(404, "KeyNotFound");
    }

    [Fact]
    public async Task A_seeded_key_has_its_versions_newest_current_with_stable_ids()
    {
        var versions = (await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key") + "/versions")))["value"]!.AsArray();
        var current = await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key")));

        Assert.Equal(3, versions.Count);
        var ids = versions.Select(v => (string)v!["name"]!).ToList();
        Assert.All(ids, id => Assert.Matches(HexVersion, id));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.EndsWith("/" + ids[2], (string?)current["properties"]!["keyUriWithVersion"]);
        var created = versions.Select(v => (long)v!["properties"]!["attributes"]!["created"]!).ToList();
        Assert.Equal(created.OrderBy(c => c), created);
        Assert.Equal("Microsoft.KeyVault/vaults/keys/versions", (string?)versions[0]!["type"]);
        Assert.Equal($"{KeyPath("kv-seeded", "seeded-key")}/versions/{ids[0]}", (string?)versions[0]!["id"]);
        var one = await Emu.GetJsonAsync(Kv($"{KeyPath("kv-seeded", "seeded-key")}/versions/{ids[1]}"));
        Assert.True(JsonNode.DeepEquals(versions[1], one));
        Assert.Equal(["seeded-key"], Names((await Emu.GetJsonAsync(Kv($"{VaultPath("kv-seeded")}/keys")))["value"]));

        Emu.State.Reset();
        var again = (await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key") + "/versions")))["value"]!.AsArray();
        Assert.Equal(ids, again.Select(v => (string)v!["name"]!));
        Assert.Equal(current["properties"]!["keyUri"]!.ToJsonString(), Emu.State.GetResource(KeyPath("kv-seeded", "seeded-key"))!["properties"]!["keyUri"]!.ToJsonString());
    }

    [Theory]
    [InlineData(true, true, "Recoverable")]
    [InlineData(true, false, "Recoverable+Purgeable")]
    [InlineData(false, false, "Purgeable")]
    public async Task The_recovery_level_follows_the_vault(bool softDelete, bool purgeProtection, string level)
    {
        Emu.Reset(KeyVaultTestTenant.Scenario(
        [
            VaultSeed("kv-level", tweak: p => { p["enableSoftDelete"] = softDelete; p["enablePurgeProtection"] = purgeProtection; }),
            KeySeed("kv-level", "k"),
        ]));

        Assert.Equal(level, (string?)(await Emu.GetJsonAsync(Kv(KeyPath("kv-level", "k"))))["properties"]!["attributes"]!["recoveryLevel"]);
    }

    [Theory]
    [InlineData("""{"type":"Microsoft.KeyVault/vaults/keys","name":"kv-seeded/k","properties":{"kty":"oct"}}""", "kty")]
    [InlineData("""{"type":"Microsoft.KeyVault/vaults/keys","name":"kv-seeded/k","versions":0,"properties":{"kty":"RSA"}}""", "versions")]
    [InlineData("""{"type":"Microsoft.KeyVault/vaults/keys","name":"kv-seeded/k/x","properties":{"kty":"RSA"}}""", "kv-seeded/k/x")]
    public void A_bad_seeded_key_is_a_scenario_error(string seed, string expected)
    {
        var error = Assert.Throws<AoaiHardening.Emulator.Core.ScenarioException>(() =>
            Emu.State.LoadScenario(KeyVaultTestTenant.Scenario([VaultSeed("kv-seeded"), (JsonObject)JsonNode.Parse(seed)!])));

        Assert.Contains(expected, error.Message);
    }

    // ---------------------------------------------------------------- control routes

    [Fact]
    public async Task The_rotate_control_route_adds_a_current_version_of_the_same_kind()
    {
        var before = await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key")));

        var response = await Emu.Http.PostAsync("/_emulator/keyvault/kv-seeded/keys/seeded-key/rotate", null);
        var rotated = await response.JsonAsync();
        var after = await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Microsoft.KeyVault/vaults/keys/versions", (string?)rotated["type"]);
        Assert.Equal(rotated["properties"]!["keyUriWithVersion"]!.ToJsonString(), after["properties"]!["keyUriWithVersion"]!.ToJsonString());
        Assert.NotEqual(before["properties"]!["keyUriWithVersion"]!.ToJsonString(), after["properties"]!["keyUriWithVersion"]!.ToJsonString());
        Assert.Equal(2048, (int)after["properties"]!["keySize"]!);
        Assert.Equal(4, (await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key") + "/versions")))["value"]!.AsArray().Count);
        Assert.Equal(404, (int)(await Emu.Http.PostAsync("/_emulator/keyvault/kv-seeded/keys/nokey/rotate", null)).StatusCode);
        var missingVault = await Emu.Http.PostAsync("/_emulator/keyvault/kv-none/keys/seeded-key/rotate", null);
        Assert.Equal("KeyNotFound", (string?)(await missingVault.JsonAsync())["error"]!["code"]);
    }

    [Fact]
    public async Task The_version_control_route_disables_and_enables_a_version()
    {
        var versions = (await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key") + "/versions")))["value"]!.AsArray();
        var current = (string)versions[2]!["name"]!;
        var route = $"/_emulator/keyvault/kv-seeded/keys/seeded-key/versions/{current}";

        var off = await Emu.SendAsync(HttpMethod.Post, route, """{"enabled":false}""");
        Assert.Equal(200, (int)off.StatusCode);
        Assert.False((bool)(await off.JsonAsync())["properties"]!["attributes"]!["enabled"]!);
        Assert.False((bool)(await Emu.GetJsonAsync(Kv(KeyPath("kv-seeded", "seeded-key"))))["properties"]!["attributes"]!["enabled"]!);
        Assert.True((bool)(await Emu.GetJsonAsync(Kv($"{KeyPath("kv-seeded", "seeded-key")}/versions/{versions[0]!["name"]}")))["properties"]!["attributes"]!["enabled"]!);

        var on = await Emu.SendAsync(HttpMethod.Post, route, """{"enabled":true}""");
        Assert.True((bool)(await on.JsonAsync())["properties"]!["attributes"]!["enabled"]!);
        Assert.Equal(400, (int)(await Emu.SendAsync(HttpMethod.Post, route, """{"enabled":"no"}""")).StatusCode);
        Assert.Equal(404, (int)(await Emu.SendAsync(HttpMethod.Post, route.Replace(current, new string('f', 32)), """{"enabled":false}""")).StatusCode);
    }

    [Fact]
    public async Task The_demo_tenant_vault_holds_cmk_openai_with_two_versions()
    {
        Emu.Reset(ScenarioTests.DemoTenantJson());
        const string Key = "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-ai-prod/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/keys/cmk-openai";

        var key = await Emu.GetJsonAsync(Kv(Key));
        var versions = (await Emu.GetJsonAsync(Kv(Key + "/versions")))["value"]!.AsArray();

        Assert.Equal("RSA", (string?)key["properties"]!["kty"]);
        Assert.Equal(2048, (int)key["properties"]!["keySize"]!);
        Assert.Equal("https://kv-contoso-prod.vault.azure.net:443/keys/cmk-openai", (string?)key["properties"]!["keyUri"]);
        Assert.Equal("Recoverable", (string?)key["properties"]!["attributes"]!["recoveryLevel"]);
        // Stable across loads, so out-of-process tests may name them.
        Assert.Equal(["67aa7e0c692a2fb4b7f5b2974b7e8357", "cfcb840a43e78716277dff21fb196416"], Names(versions));
        Assert.Equal("https://kv-contoso-prod.vault.azure.net:443/keys/cmk-openai/cfcb840a43e78716277dff21fb196416", (string?)key["properties"]!["keyUriWithVersion"]);
    }
}
