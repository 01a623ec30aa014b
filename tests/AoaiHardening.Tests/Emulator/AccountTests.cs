using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.CognitiveServices/accounts: shape, writes, merge semantics, keys. LROs are settled at once here.</summary>
public sealed class AccountTests(EmulatorFixture emu) : EmulatorTest(emu, configure: Sync)
{
    private static EmulatorConfig Sync(EmulatorConfig config) => config with { LroStyle = LroStyle.Sync };

    private void Reset(string? scenario = null) => Emu.Reset(scenario, Sync);

    [Fact]
    public async Task Get_returns_every_field_of_the_official_GetAccount_example()
    {
        var examples = typeof(AccountTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ArmExamplesDir").Value!;
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(examples, "Microsoft.CognitiveServices", "2025-06-01", "GetAccount.json")))!;

        var account = await (await Emu.Http.GetAsync(Api(AccountPath("acct-a"), "2025-06-01"))).JsonAsync();

        var missing = PathsOf(example["responses"]!["200"]!["body"]!).Except(PathsOf(account));
        Assert.Empty(missing);
        Assert.Equal(AccountPath("acct-a"), (string?)account["id"]);
        Assert.Equal("acct-a", (string?)account["name"]);
        Assert.Equal("Microsoft.CognitiveServices/accounts", (string?)account["type"]);
        Assert.Equal("Succeeded", (string?)account["properties"]!["provisioningState"]);
        Assert.Matches("^W/\"datetime'\\d{4}-\\d\\d-\\d\\dT\\d\\d%3A\\d\\d%3A\\d\\d\\.\\d+Z'\"$", (string?)account["etag"]);
    }

    [Theory]
    [InlineData("OpenAI", "cust", "https://cust.openai.azure.com/")]
    [InlineData("AIServices", "cust", "https://cust.cognitiveservices.azure.com/")]
    [InlineData("OpenAI", null, "https://eastus.api.cognitive.microsoft.com/")]
    public async Task Endpoint_follows_kind_and_custom_subdomain(string kind, string? subdomain, string endpoint)
    {
        var properties = subdomain is null ? new JsonObject() : new JsonObject { ["customSubDomainName"] = subdomain };
        Reset(Scenario(Account("acct", kind, properties)));

        var account = await (await Emu.Http.GetAsync(Api(AccountPath("acct")))).JsonAsync();

        Assert.Equal(endpoint, (string?)account["properties"]!["endpoint"]);
    }

    [Fact]
    public async Task Put_creates_then_replaces_keeping_creation_facts()
    {
        var body = Account("new-acct");
        var created = await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("new-acct")), body);
        var before = await created.JsonAsync();
        Assert.Equal(200, (int)created.StatusCode); // synchronous style; 201 vs 200 is covered by the LRO tests

        body["properties"]!["publicNetworkAccess"] = "Disabled";
        var replaced = await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("new-acct")), body);
        var after = await replaced.JsonAsync();

        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal("Disabled", (string?)after["properties"]!["publicNetworkAccess"]);
        Assert.NotEqual((string?)before["etag"], (string?)after["etag"]);
        Assert.Equal((string?)before["properties"]!["dateCreated"], (string?)after["properties"]!["dateCreated"]);
        Assert.Equal((string?)before["properties"]!["internalId"], (string?)after["properties"]!["internalId"]);
    }

    [Theory]
    [InlineData("location", "LocationRequired")]
    [InlineData("sku", "SkuRequired")]
    [InlineData("kind", "KindRequired")]
    public async Task Put_without_a_required_field_is_400(string field, string code)
    {
        var body = Account("bad");
        body.Remove(field);

        await (await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("bad")), body)).AssertErrorAsync(400, code);
        Assert.Null(Emu.State.GetResource(AccountPath("bad")));
    }

    [Fact]
    public async Task Put_cannot_move_an_account_or_change_its_kind()
    {
        var moved = Account("acct-a");
        moved["location"] = "westus";
        await (await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-a")), moved)).AssertErrorAsync(400, "InvalidResourceLocation");

        var rekinded = Account("acct-a", "AIServices");
        await (await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-a")), rekinded)).AssertErrorAsync(400, "UpdateKindNotAllowed");
    }

    [Fact]
    public async Task Patch_merges_keeping_unknown_fields_replacing_arrays_and_removing_nulls()
    {
        var seeded = Account("acct", properties: new JsonObject
        {
            ["customSubDomainName"] = "acct",
            ["futureSetting"] = new JsonObject { ["nested"] = new JsonArray(1, 2), ["keep"] = "me" },
            ["networkAcls"] = new JsonObject { ["defaultAction"] = "Allow", ["ipRules"] = new JsonArray(new JsonObject { ["value"] = "1.2.3.4" }) },
            ["restrictOutboundNetworkAccess"] = true,
        });
        seeded["unknownTopLevel"] = new JsonObject { ["x"] = 1 };
        Reset(Scenario(seeded));

        var patch = JsonNode.Parse("""
            { "properties": { "networkAcls": { "defaultAction": "Deny", "ipRules": [] }, "restrictOutboundNetworkAccess": null,
                              "publicNetworkAccess": "Disabled" } }
            """);
        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct")), patch);

        Assert.Equal(200, (int)response.StatusCode);
        var properties = (await (await Emu.Http.GetAsync(Api(AccountPath("acct")))).JsonAsync())["properties"]!;
        Assert.Equal("Deny", (string?)properties["networkAcls"]!["defaultAction"]);
        Assert.Empty(properties["networkAcls"]!["ipRules"]!.AsArray());
        Assert.Null(properties["restrictOutboundNetworkAccess"]);
        Assert.Equal("Disabled", (string?)properties["publicNetworkAccess"]);
        Assert.True(JsonNode.DeepEquals(seeded["properties"]!["futureSetting"], properties["futureSetting"]));
        Assert.True(JsonNode.DeepEquals(seeded["unknownTopLevel"], Emu.State.GetResource(AccountPath("acct"))!["unknownTopLevel"]));
    }

    [Fact]
    public async Task Patch_nulls_inside_an_object_the_account_lacks_mean_absent_not_null()
    {
        var patch = JsonNode.Parse("""{ "properties": { "newBlock": { "dropped": null, "kept": 1, "deeper": { "gone": null } } } }""");

        await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), patch);

        var block = Emu.State.GetResource(AccountPath("acct-a"))!["properties"]!["newBlock"]!.AsObject();
        Assert.Equal(["kept", "deeper"], block.Select(p => p.Key));
        Assert.Empty(block["deeper"]!.AsObject());
    }

    [Fact]
    public async Task Patch_ignores_read_only_fields_in_the_body()
    {
        var patch = JsonNode.Parse("""
            { "id": "/x", "name": "renamed", "etag": "W/\"forged\"",
              "properties": { "provisioningState": "Failed", "endpoint": "https://evil.example/", "publicNetworkAccess": "Disabled" } }
            """);

        var account = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), patch)).JsonAsync();

        Assert.Equal(AccountPath("acct-a"), (string?)account["id"]);
        Assert.Equal("acct-a", (string?)account["name"]);
        Assert.NotEqual("W/\"forged\"", (string?)account["etag"]);
        Assert.Equal("Succeeded", (string?)account["properties"]!["provisioningState"]);
        Assert.Equal("https://acct-a.openai.azure.com/", (string?)account["properties"]!["endpoint"]);
        Assert.Equal("Disabled", (string?)account["properties"]!["publicNetworkAccess"]);
    }

    [Fact]
    public async Task System_assigned_identity_gets_a_principal_that_survives_updates_and_goes_with_None()
    {
        var enable = JsonNode.Parse("""{ "identity": { "type": "SystemAssigned" } }""");
        var enabled = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), enable)).JsonAsync();
        var principal = (string?)enabled["identity"]!["principalId"];
        Assert.True(System.Guid.TryParse(principal, out _));
        Assert.Equal(TenantId, (string?)enabled["identity"]!["tenantId"]);

        var tagged = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), JsonNode.Parse("""{ "tags": { "a": "b" } }"""))).JsonAsync();
        Assert.Equal(principal, (string?)tagged["identity"]!["principalId"]);

        var disabled = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), JsonNode.Parse("""{ "identity": { "type": "None" } }"""))).JsonAsync();
        Assert.Null(disabled["identity"]!["principalId"]);
    }

    [Fact]
    public async Task Patch_of_a_missing_account_is_404()
    {
        await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("ghost")), new JsonObject())).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public async Task ListKeys_is_stable_and_regenerateKey_renews_only_the_named_key()
    {
        var first = await (await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null)).JsonAsync();
        var again = await (await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null)).JsonAsync();
        Assert.Matches("^[0-9a-f]{32}$", (string?)first["key1"]);
        Assert.True(JsonNode.DeepEquals(first, again));

        var regenerated = await (await Emu.SendAsync(HttpMethod.Post, Api(AccountPath("acct-a") + "/regenerateKey"), JsonNode.Parse("""{"keyName":"key2"}"""))).JsonAsync();

        Assert.Equal((string?)first["key1"], (string?)regenerated["key1"]);
        Assert.NotEqual((string?)first["key2"], (string?)regenerated["key2"]);
    }

    [Fact]
    public async Task RegenerateKey_needs_Key1_or_Key2()
    {
        await (await Emu.SendAsync(HttpMethod.Post, Api(AccountPath("acct-a") + "/regenerateKey"), JsonNode.Parse("""{"keyName":"Key3"}""")))
            .AssertErrorAsync(400, "InvalidKeyName");
        await (await Emu.SendAsync(HttpMethod.Post, Api(AccountPath("acct-a") + "/regenerateKey"), (string?)null))
            .AssertErrorAsync(400, "InvalidRequestContent");
    }

    [Theory]
    [InlineData("/listKeys", null)]
    [InlineData("/regenerateKey", """{"keyName":"Key1"}""")]
    public async Task Keys_are_refused_when_local_auth_is_disabled(string action, string? body)
    {
        Reset(Scenario(Account("locked", properties: new JsonObject { ["disableLocalAuth"] = true })));

        var message = await (await Emu.SendAsync(HttpMethod.Post, Api(AccountPath("locked") + action), body)).AssertErrorAsync(400, "BadRequest");

        Assert.Equal("Failed to list key. disableLocalAuth is set to be true", message);
    }

    [Fact]
    public async Task Keys_never_reach_the_request_log()
    {
        var keys = await (await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null)).JsonAsync();
        await Emu.SendAsync(HttpMethod.Post, Api(AccountPath("acct-a") + "/regenerateKey"), JsonNode.Parse("""{"keyName":"Key1"}"""));

        var log = System.Text.Json.JsonSerializer.Serialize(Emu.State.Requests.Snapshot());

        Assert.DoesNotContain((string)keys["key1"]!, log);
        Assert.DoesNotContain((string)keys["key2"]!, log);
        Assert.DoesNotContain("key", Emu.State.GetResource(AccountPath("acct-a"))!.ToJsonString().ToLowerInvariant().Replace("keyname", ""));
    }

    [Fact]
    public async Task Delete_removes_the_account_and_deleting_again_is_204()
    {
        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")))).StatusCode);

        await (await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")))).StatusCode);
    }

    /// <summary>Every property path in a JSON object ("properties.endpoint", …), recursing into objects except free-form tags.</summary>
    private static IEnumerable<string> PathsOf(JsonNode node, string prefix = "") =>
        node is JsonObject obj
            ? obj.SelectMany(p => (p.Key == "tags" ? [] : PathsOf(p.Value!, prefix + p.Key + ".")).Prepend(prefix + p.Key))
            : [];
}
