using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.KeyVaultTestTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>
/// Customer-managed keys on account PUT/PATCH: each rule refuses with its code (400) and writes nothing; RBAC and
/// access-policy vaults both work; identity is judged as the request leaves it; Microsoft-managed keys carry no key properties.
/// </summary>
public sealed class CustomerManagedKeyTests(EmulatorFixture emu)
    : EmulatorTest(emu, CmkScenario(), c => c with { LroStyle = LroStyle.Sync })
{
    private const string Principal = "5a5a0000-0000-4000-8000-0000000000a1";
    private const string UaiPrincipal = "5a5a0000-0000-4000-8000-0000000000b2";
    private const string UaiClient = "c11e0000-0000-4000-8000-0000000000b3";
    private const string CryptoServiceEncryptionUser = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
    private static readonly string Uai = $"{GroupPath()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cmk";

    /// <summary>
    /// acct-a (SystemAssigned, granted Key Vault Crypto Service Encryption User on rg-test and an access policy on
    /// kv-policies), acct-b (no identity), acct-uai (user-assigned id-cmk: get + wrapKey only on kv-policies); a vault per rule.
    /// </summary>
    private static string CmkScenario()
    {
        var acctA = Account("acct-a");
        acctA["identity"] = new JsonObject { ["type"] = "SystemAssigned", ["principalId"] = Principal, ["tenantId"] = TenantId };
        var acctUai = Account("acct-uai");
        acctUai["identity"] = new JsonObject { ["type"] = "UserAssigned", ["userAssignedIdentities"] = new JsonObject { [Uai] = new JsonObject() } };
        var uai = new JsonObject
        {
            ["type"] = "Microsoft.ManagedIdentity/userAssignedIdentities", ["name"] = "id-cmk", ["location"] = "eastus",
            ["properties"] = new JsonObject { ["principalId"] = UaiPrincipal, ["clientId"] = UaiClient, ["tenantId"] = TenantId },
        };
        return KeyVaultTestTenant.Scenario(
        [
            uai, acctA, Account("acct-b", "AIServices"), acctUai,
            VaultSeed("kv-rbac"), KeySeed("kv-rbac", "cmk", versions: 2), KeySeed("kv-rbac", "cmk-ec", "EC", null, "P-256"),
            KeySeed("kv-rbac", "cmk-3072", keySize: 3072),
            VaultSeed("kv-policies", rbac: false, tweak: p => p["accessPolicies"] = new JsonArray(
                Policy(Principal, keys: ["Get", "WrapKey", "UnwrapKey"]), Policy(UaiPrincipal, keys: ["get", "wrapKey"]))),
            KeySeed("kv-policies", "cmk"),
            VaultSeed("kv-allkeys", rbac: false, tweak: p => p["accessPolicies"] = new JsonArray(Policy(Principal, keys: ["all"]))),
            KeySeed("kv-allkeys", "cmk"),
            VaultSeed("kv-nopurge", tweak: p => p.Remove("enablePurgeProtection")),
            VaultSeed("kv-nosoft", tweak: p => { p["enableSoftDelete"] = false; p.Remove("enablePurgeProtection"); }),
            VaultSeed("kv-west", location: "westus"),
            VaultSeed("kv-foreign", tweak: p => p["tenantId"] = OtherTenant),
            VaultSeed("kv-firewall", tweak: p => p["networkAcls"] = new JsonObject { ["defaultAction"] = "Deny", ["bypass"] = "None" }),
            VaultSeed("kv-closed", tweak: p => p["publicNetworkAccess"] = "Disabled"),
            VaultSeed("kv-trusted", tweak: p =>
            {
                p["publicNetworkAccess"] = "Disabled";
                p["networkAcls"] = new JsonObject { ["defaultAction"] = "Deny", ["bypass"] = "AzureServices" };
            }),
            KeySeed("kv-trusted", "cmk"),
        ],
        other: [VaultSeed("kv-elsewhere", location: "East US"), KeySeed("kv-elsewhere", "cmk")],
        roleAssignments:
        [
            new JsonObject
            {
                ["name"] = "0a000000-0000-4000-8000-0000000000c1", ["scope"] = GroupPath(), ["roleDefinitionId"] = CryptoServiceEncryptionUser,
                ["principalId"] = Principal, ["principalType"] = "ServicePrincipal",
            },
        ]);
    }

    private static JsonObject Cmk(string vault, string? key = "cmk", string? version = null, string? clientId = null, string? uri = null)
    {
        var kv = new JsonObject { ["keyVaultUri"] = uri ?? $"https://{vault}.vault.azure.net/" };
        if (key is not null)
            kv["keyName"] = key;
        if (version is not null)
            kv["keyVersion"] = version;
        if (clientId is not null)
            kv["identityClientId"] = clientId;
        return new JsonObject
        {
            ["properties"] = new JsonObject { ["encryption"] = new JsonObject { ["keySource"] = "Microsoft.KeyVault", ["keyVaultProperties"] = kv } },
        };
    }

    private Task<HttpResponseMessage> Patch(string account, JsonNode body) => Emu.SendAsync(HttpMethod.Patch, Api(AccountPath(account)), body);

    /// <summary>The request is refused with this code, and the stored account (etag included) is exactly as before.</summary>
    private async Task<string> AssertRefused(string account, JsonNode body, string code)
    {
        var before = Emu.State.GetResource(AccountPath(account))!.ToJsonString();
        var message = await (await Patch(account, body)).AssertErrorAsync(400, code);
        Assert.Equal(before, Emu.State.GetResource(AccountPath(account))!.ToJsonString());
        Assert.DoesNotContain(Emu.State.GetResources("Microsoft.CognitiveServices/accounts"), a => (string?)a["properties"]!["provisioningState"] != "Succeeded");
        return message;
    }

    private async Task<JsonNode> AssertAccepted(string account, JsonNode body)
    {
        var response = await Patch(account, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(200 == (int)response.StatusCode, text);
        return Emu.State.GetResource(AccountPath(account))!;
    }

    [Fact]
    public async Task a_Key_vault_properties_need_an_https_uri_and_a_key_name()
    {
        Assert.Contains("keyName", await AssertRefused("acct-a", Cmk("kv-rbac", key: null), "InvalidKeyVaultProperties"));
        Assert.Contains("https", await AssertRefused("acct-a", Cmk("kv-rbac", uri: "http://kv-rbac.vault.azure.net/"), "InvalidKeyVaultProperties"));
        await AssertRefused("acct-a", Cmk("kv-rbac", uri: "kv-rbac"), "InvalidKeyVaultProperties");
        var bare = JsonNode.Parse("""{"properties":{"encryption":{"keySource":"microsoft.keyvault"}}}""")!;
        await AssertRefused("acct-a", bare, "InvalidKeyVaultProperties");
    }

    [Fact]
    public async Task b_The_vault_must_exist_in_the_tenant()
    {
        Assert.Contains("kv-nowhere", await AssertRefused("acct-a", Cmk("kv-nowhere"), "KeyVaultNotFound"));
    }

    [Fact]
    public async Task c_The_identity_must_be_there()
    {
        Assert.Contains("system-assigned", await AssertRefused("acct-b", Cmk("kv-rbac"), "MissingIdentity"));
        Assert.Contains("c0ffee00", await AssertRefused("acct-a", Cmk("kv-rbac", clientId: "c0ffee00-0000-4000-8000-000000000000"), "InvalidIdentityClientId"));
        // acct-uai has only a user-assigned identity: without identityClientId there is no system-assigned one to use.
        await AssertRefused("acct-uai", Cmk("kv-policies"), "MissingIdentity");
    }

    [Theory]
    [InlineData("kv-nopurge", "KeyVaultSoftDeleteOrPurgeProtectionDisabled", "enablePurgeProtection: false")]
    [InlineData("kv-nosoft", "KeyVaultSoftDeleteOrPurgeProtectionDisabled", "enableSoftDelete: false")]
    [InlineData("kv-west", "KeyVaultRegionMismatch", "westus")]
    [InlineData("kv-foreign", "KeyVaultTenantMismatch", OtherTenant)]
    public async Task d_The_vault_needs_soft_delete_purge_protection_the_region_and_the_tenant(string vault, string code, string named)
    {
        var message = await AssertRefused("acct-a", Cmk(vault), code);

        Assert.Contains(vault, message);
        Assert.Contains(named, message);
    }

    [Fact]
    public async Task e_The_identity_needs_a_wrapping_role_on_an_RBAC_vault()
    {
        var message = await AssertRefused("acct-a", Cmk("kv-elsewhere"), "KeyVaultAccessDenied");

        Assert.Contains(Principal, message);
        Assert.Contains("Azure RBAC", message);
        Assert.Contains("Key Vault Crypto Service Encryption User", message);
    }

    [Fact]
    public async Task e_The_identity_needs_get_wrapKey_unwrapKey_in_an_access_policy()
    {
        var message = await AssertRefused("acct-uai", Cmk("kv-policies", clientId: UaiClient), "KeyVaultAccessDenied");

        Assert.Contains(UaiPrincipal, message);
        Assert.Contains("access policies", message);
        Assert.Contains("missing: unwrapKey", message);
        await AssertRefused("acct-uai", Cmk("kv-allkeys", clientId: UaiClient), "KeyVaultAccessDenied");
    }

    [Theory]
    [InlineData("kv-firewall", "networkAcls.defaultAction Deny")]
    [InlineData("kv-closed", "publicNetworkAccess Disabled")]
    public async Task f_A_closed_vault_must_let_trusted_services_through(string vault, string named)
    {
        var message = await AssertRefused("acct-a", Cmk(vault), "KeyVaultNetworkAccessDenied");

        Assert.Contains(named, message);
        Assert.Contains("AzureServices", message);
    }

    [Fact]
    public async Task g_The_key_and_version_must_exist_be_enabled_and_be_RSA_2048_or_more()
    {
        Assert.Contains("nokey", await AssertRefused("acct-a", Cmk("kv-rbac", key: "nokey"), "KeyNotFound"));
        Assert.Contains("0123", await AssertRefused("acct-a", Cmk("kv-rbac", version: "0123456789abcdef0123456789abcdef"), "KeyNotFound"));
        Assert.Contains("RSA", await AssertRefused("acct-a", Cmk("kv-rbac", key: "cmk-ec"), "InvalidKeyType"));

        var versions = (await NetworkTestTenant.GetJsonAsync(Emu, Kv(KeyPath("kv-rbac", "cmk") + "/versions")))["value"]!.AsArray();
        var (older, current) = ((string)versions[0]!["name"]!, (string)versions[1]!["name"]!);
        await Emu.SendAsync(HttpMethod.Post, $"/_emulator/keyvault/kv-rbac/keys/cmk/versions/{current}", """{"enabled":false}""");
        Assert.Contains(current, await AssertRefused("acct-a", Cmk("kv-rbac"), "KeyDisabled"));
        await AssertRefused("acct-a", Cmk("kv-rbac", version: current), "KeyDisabled");

        // An enabled older version may still be named explicitly.
        var stored = await AssertAccepted("acct-a", Cmk("kv-rbac", version: older));
        Assert.Equal(older, (string?)stored["properties"]!["encryption"]!["keyVaultProperties"]!["keyVersion"]);
    }

    [Theory]
    [InlineData("kv-rbac", "cmk")]
    [InlineData("kv-rbac", "cmk-3072")]
    [InlineData("kv-policies", "cmk")]
    [InlineData("kv-allkeys", "cmk")]
    [InlineData("kv-trusted", "cmk")]
    public async Task A_granted_identity_on_a_compliant_vault_gets_its_customer_managed_key(string vault, string key)
    {
        var stored = await AssertAccepted("acct-a", Cmk(vault, key));

        var encryption = stored["properties"]!["encryption"]!;
        Assert.Equal("Microsoft.KeyVault", (string?)encryption["keySource"]);
        Assert.Equal(key, (string?)encryption["keyVaultProperties"]!["keyName"]);
        Assert.Equal($"https://{vault}.vault.azure.net/", (string?)encryption["keyVaultProperties"]!["keyVaultUri"]);
    }

    [Fact]
    public async Task A_role_at_the_vault_scope_works_for_a_vault_in_another_group_and_the_uri_may_differ_in_case()
    {
        var grant = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424",
                ["principalId"] = Principal, ["principalType"] = "ServicePrincipal",
            },
        };
        var scope = VaultPath("kv-elsewhere", OtherGroup);
        await NetworkTestTenant.PutAsync(Emu, $"{scope}/providers/Microsoft.Authorization/roleAssignments/0a000000-0000-4000-8000-0000000000c2?api-version=2022-04-01", grant, 201);

        await AssertAccepted("acct-a", Cmk("kv-elsewhere", uri: "https://KV-ELSEWHERE.vault.azure.net"));
    }

    [Fact]
    public async Task A_user_assigned_identity_is_used_when_its_client_id_is_named()
    {
        Emu.Reset(AddPolicy(CmkScenario(), "kv-policies", UaiPrincipal), c => c with { LroStyle = LroStyle.Sync });

        var stored = await AssertAccepted("acct-uai", Cmk("kv-policies", clientId: UaiClient.ToUpperInvariant()));

        Assert.Equal(UaiClient.ToUpperInvariant(), (string?)stored["properties"]!["encryption"]!["keyVaultProperties"]!["identityClientId"]);
    }

    private static string AddPolicy(string scenario, string vault, string objectId)
    {
        var json = JsonNode.Parse(scenario)!;
        var seed = json["subscriptions"]![0]!["resourceGroups"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["name"] == vault)!;
        seed["properties"]!["accessPolicies"]!.AsArray().Add(Policy(objectId, keys: ["get", "wrapKey", "unwrapKey"]));
        return json.ToJsonString();
    }

    [Fact]
    public async Task A_patch_adding_the_identity_and_the_key_together_is_judged_on_its_result()
    {
        var body = Cmk("kv-rbac");
        body["identity"] = new JsonObject { ["type"] = "SystemAssigned" };

        // Not MissingIdentity: the request gives acct-b a (new) principal, which has no role on the vault yet.
        var message = await AssertRefused("acct-b", body, "KeyVaultAccessDenied");

        Assert.Contains("acct-b", message);
        Assert.Null(Emu.State.GetResource(AccountPath("acct-b"))!["identity"]);
    }

    [Fact]
    public async Task A_refused_put_creates_no_account()
    {
        var account = Account("acct-new");
        account.Remove("type");
        account.Remove("name");
        account["identity"] = new JsonObject { ["type"] = "SystemAssigned" };
        account["properties"]!["encryption"] = Cmk("kv-rbac")["properties"]!["encryption"]!.DeepClone();

        await (await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-new")), account)).AssertErrorAsync(400, "KeyVaultAccessDenied");

        Assert.Null(Emu.State.GetResource(AccountPath("acct-new")));
    }

    [Fact]
    public async Task A_put_keeping_the_key_is_checked_and_accepted()
    {
        var stored = await AssertAccepted("acct-a", Cmk("kv-rbac"));
        var body = stored.DeepClone().AsObject();
        body["tags"] = new JsonObject { ["env"] = "prod" };

        var response = await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-a")), body);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("cmk", (string?)Emu.State.GetResource(AccountPath("acct-a"))!["properties"]!["encryption"]!["keyVaultProperties"]!["keyName"]);
    }

    [Fact]
    public async Task Updates_without_encryption_are_not_checked_and_Microsoft_managed_keys_drop_the_key_properties()
    {
        await AssertAccepted("acct-a", Cmk("kv-rbac"));
        // The key goes bad afterwards: only a request naming encryption would notice.
        var current = (string)(await NetworkTestTenant.GetJsonAsync(Emu, Kv(KeyPath("kv-rbac", "cmk") + "/versions")))["value"]![1]!["name"]!;
        await Emu.SendAsync(HttpMethod.Post, $"/_emulator/keyvault/kv-rbac/keys/cmk/versions/{current}", """{"enabled":false}""");

        var tagged = await AssertAccepted("acct-a", JsonNode.Parse("""{"tags":{"stage":"2"}}""")!);
        Assert.Equal("cmk", (string?)tagged["properties"]!["encryption"]!["keyVaultProperties"]!["keyName"]);

        var back = await AssertAccepted("acct-a", JsonNode.Parse("""{"properties":{"encryption":{"keySource":"Microsoft.CognitiveServices"}}}""")!);
        Assert.Equal("""{"keySource":"Microsoft.CognitiveServices"}""", back["properties"]!["encryption"]!.ToJsonString());
        var viaPut = await AssertAccepted("acct-b", JsonNode.Parse(
            """{"properties":{"encryption":{"keySource":"Microsoft.CognitiveServices","keyVaultProperties":{"keyName":"x","keyVaultUri":"https://nowhere.vault.azure.net/"}}}}""")!);
        Assert.Null(viaPut["properties"]!["encryption"]!["keyVaultProperties"]);
    }
}
