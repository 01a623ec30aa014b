using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.Storage/storageAccounts (2025-08-01).</summary>
public sealed class StorageAccountTests(EmulatorFixture emu) : EmulatorTest(emu, configure: c => c with { LroPolls = 1 })
{
    private const string Version = "2025-08-01";
    private const string AccountType = "Microsoft.Storage/storageAccounts";

    private static string Accounts(string group = Group) => $"{GroupPath(group)}/providers/Microsoft.Storage/storageAccounts";
    private static string Storage(string name, string group = Group) => $"{Accounts(group)}/{name}";
    private static string V(string path) => Api(path, Version);

    private static JsonObject Body(string? properties = null) => JsonNode.Parse($$"""
        {"location":"eastus","sku":{"name":"Standard_LRS"},"kind":"StorageV2","properties":{{properties ?? """{"minimumTlsVersion":"TLS1_2","futureField":"kept"}"""}}}
        """)!.AsObject();

    [Fact]
    public async Task Create_is_202_with_Location_only_then_the_result_url_gives_the_account()
    {
        var created = await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), Body());
        var location = new Uri(created.Header("Location")!);
        var running = await Emu.GetJsonAsync(V(Storage("stoa")));
        var result = await Emu.Http.GetAsync(location);
        var resultBody = await result.JsonAsync();

        Assert.Equal(202, (int)created.StatusCode);
        Assert.Equal("", await created.Content.ReadAsStringAsync());
        Assert.Null(created.Header("Azure-AsyncOperation"));
        Assert.NotNull(created.Header("Retry-After"));
        Assert.StartsWith($"/subscriptions/{Subscription}/providers/Microsoft.Storage/locations/eastus/asyncoperations/", location.AbsolutePath);
        Assert.Equal("Creating", (string?)running["properties"]!["provisioningState"]);
        Assert.Equal(200, (int)result.StatusCode);
        Assert.Equal(Storage("stoa"), (string?)resultBody["id"]);
        Assert.Equal(AccountType, (string?)resultBody["type"]);
        Assert.Null(resultBody["etag"]);
        var properties = resultBody["properties"]!;
        Assert.Equal("Succeeded", (string?)properties["provisioningState"]);
        Assert.Equal("kept", (string?)properties["futureField"]);
        Assert.Equal("https://stoa.blob.core.windows.net/", (string?)properties["primaryEndpoints"]!["blob"]);
        Assert.Equal("AzureServices", (string?)properties["networkAcls"]!["bypass"]);
        Assert.Equal("Allow", (string?)properties["networkAcls"]!["defaultAction"]);
        Assert.Empty(properties["privateEndpointConnections"]!.AsArray());

        var replaced = await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), Body());
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal("Succeeded", (string?)(await replaced.JsonAsync())["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Sync_style_answers_200_with_the_account()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = AoaiHardening.Emulator.Core.LroStyle.Sync };

        var created = await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), Body());

        Assert.Equal(200, (int)created.StatusCode);
        Assert.Equal("Succeeded", (string?)(await created.JsonAsync())["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Patch_merges_synchronously()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 0 };
        await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), Body());

        var patched = await Emu.SendAsync(HttpMethod.Patch, V(Storage("stoa")),
            """{"properties":{"publicNetworkAccess":"Disabled","allowSharedKeyAccess":false,"networkAcls":{"defaultAction":"Deny","bypass":"AzureServices, Logging","ipRules":[{"value":"1.2.3.4","action":"Allow"}]}}}""");
        var body = await patched.JsonAsync();

        Assert.Equal(200, (int)patched.StatusCode);
        Assert.Equal("Disabled", (string?)body["properties"]!["publicNetworkAccess"]);
        Assert.False((bool)body["properties"]!["allowSharedKeyAccess"]!);
        Assert.Equal("Deny", (string?)body["properties"]!["networkAcls"]!["defaultAction"]);
        Assert.Empty(body["properties"]!["networkAcls"]!["virtualNetworkRules"]!.AsArray());
        Assert.Equal("TLS1_2", (string?)body["properties"]!["minimumTlsVersion"]);
        Assert.True(JsonNode.DeepEquals(body, await Emu.GetJsonAsync(V(Storage("stoa")))));
        await (await Emu.SendAsync(HttpMethod.Patch, V(Storage("stoa")), """{"properties":{"publicNetworkAccess":"Open"}}""")).AssertErrorAsync(400, "InvalidValuesForRequestParameters");
        Assert.Equal("Disabled", (string?)(await Emu.GetJsonAsync(V(Storage("stoa"))))["properties"]!["publicNetworkAccess"]);
    }

    [Theory]
    [InlineData("""{"publicNetworkAccess":"Open"}""")]
    [InlineData("""{"allowSharedKeyAccess":"no"}""")]
    [InlineData("""{"networkAcls":{"bypass":"AzureServices"}}""")]
    [InlineData("""{"networkAcls":{"defaultAction":"Block"}}""")]
    [InlineData("""{"networkAcls":{"defaultAction":"Deny","bypass":"Everything"}}""")]
    [InlineData("""{"networkAcls":{"defaultAction":"Deny","ipRules":[{"action":"Allow"}]}}""")]
    [InlineData("""{"networkAcls":{"defaultAction":"Deny","virtualNetworkRules":[{"action":"Allow"}]}}""")]
    public async Task Invalid_accounts_are_400_and_store_nothing(string properties)
    {
        await (await Emu.SendAsync(HttpMethod.Put, V(Storage("stobad")), Body(properties))).AssertErrorAsync(400, "InvalidValuesForRequestParameters");
        Assert.Empty(Emu.State.GetResources(AccountType));
    }

    [Fact]
    public async Task Name_location_sku_kind_and_identity_spelling_are_checked()
    {
        var noLocation = Body();
        noLocation.Remove("location");
        var noKind = Body();
        noKind.Remove("kind");
        var spaced = Body();
        spaced["identity"] = new JsonObject { ["type"] = "SystemAssigned, UserAssigned" };

        await (await Emu.SendAsync(HttpMethod.Put, V(Storage("Bad-Name")), Body())).AssertErrorAsync(400, "AccountNameInvalid");
        await (await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), noLocation)).AssertErrorAsync(400, "LocationRequired");
        await (await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), noKind)).AssertErrorAsync(400, "InvalidValuesForRequestParameters");
        await (await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), spaced)).AssertErrorAsync(400, "InvalidValuesForRequestParameters");
        Assert.Empty(Emu.State.GetResources(AccountType));
    }

    [Fact]
    public async Task A_system_assigned_identity_gets_a_principal_kept_across_updates()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 0 };
        var body = Body();
        body["identity"] = new JsonObject { ["type"] = "SystemAssigned" };
        await Emu.SendAsync(HttpMethod.Put, V(Storage("stoa")), body);

        var read = await Emu.GetJsonAsync(V(Storage("stoa")));
        var principalId = (string)read["identity"]!["principalId"]!;
        var patched = await (await Emu.SendAsync(HttpMethod.Patch, V(Storage("stoa")), """{"tags":{"a":"b"}}""")).JsonAsync();
        var assignment = await Emu.SendAsync(HttpMethod.Put,
            $"{AccountPath("acct-a")}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01",
            new JsonObject { ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/a97b65f3-24c7-4388-baec-2e87135dc908",
                ["principalId"] = principalId,
            } });

        Assert.True(Guid.TryParse(principalId, out _));
        Assert.Equal(principalId, (string?)patched["identity"]!["principalId"]);
        Assert.Equal(201, (int)assignment.StatusCode);
    }

    [Fact]
    public async Task Seeded_private_endpoint_connections_are_kept_and_lists_page()
    {
        var seed = Body();
        seed["type"] = AccountType;
        seed["name"] = "stoseeded";
        seed["properties"]!["privateEndpointConnections"] = JsonNode.Parse("""[{"name":"pe1","properties":{"privateLinkServiceConnectionState":{"status":"Approved"}}}]""");
        Emu.Reset(Scenario(Account("acct-a"), seed), c => c with { PageSize = 1, LroPolls = 0 });
        await Emu.SendAsync(HttpMethod.Put, V(Storage("stoother", OtherGroup)), Body());

        var replaced = await (await Emu.SendAsync(HttpMethod.Put, V(Storage("stoseeded")), Body())).JsonAsync();
        var subscription = await Emu.GetJsonAsync(V($"/subscriptions/{Subscription}/providers/Microsoft.Storage/storageAccounts"));
        var next = await Emu.GetJsonAsync((string)subscription["nextLink"]!);

        Assert.Equal("pe1", (string?)replaced["properties"]!["privateEndpointConnections"]![0]!["name"]);
        Assert.Equal(["stoseeded", "stoother"], subscription["value"]!.AsArray().Concat(next["value"]!.AsArray()).Select(s => (string)s!["name"]!));
        Assert.Equal(["stoseeded"], (await Emu.GetJsonAsync(V(Accounts())))["value"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(V(Storage("stoseeded")))).StatusCode);
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(V(Storage("stoseeded")))).StatusCode);
        await (await Emu.Http.GetAsync(V(Storage("stoseeded")))).AssertErrorAsync(404, "ResourceNotFound");
    }
}
