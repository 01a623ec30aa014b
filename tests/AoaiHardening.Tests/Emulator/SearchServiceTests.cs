using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.Search/searchServices (2025-05-01).</summary>
public sealed class SearchServiceTests(EmulatorFixture emu) : EmulatorTest(emu, configure: c => c with { LroPolls = 1 })
{
    private const string Version = "2025-05-01";
    private const string ServiceType = "Microsoft.Search/searchServices";

    private static string Services(string group = Group) => $"{GroupPath(group)}/providers/Microsoft.Search/searchServices";
    private static string Service(string name, string group = Group) => $"{Services(group)}/{name}";
    private static string V(string path) => Api(path, Version);

    private static JsonObject Body(string? properties = null) => JsonNode.Parse($$"""
        {"location":"eastus","sku":{"name":"basic"},"tags":{"t":"1"},"properties":{{properties ?? """{"replicaCount":1,"futureField":"kept"}"""}}}
        """)!.AsObject();

    [Fact]
    public async Task Put_creates_201_provisioning_then_settles_after_polling_GETs()
    {
        var created = await Emu.SendAsync(HttpMethod.Put, V(Service("srch-a")), Body());
        var createdBody = await created.JsonAsync();
        var firstGet = await Emu.GetJsonAsync(V(Service("srch-a")));

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Null(created.Header("Azure-AsyncOperation"));
        Assert.Null(created.Header("Location"));
        Assert.Equal(Service("srch-a"), (string?)createdBody["id"]);
        Assert.Equal(ServiceType, (string?)createdBody["type"]);
        var properties = createdBody["properties"]!;
        Assert.Equal("provisioning", (string?)properties["provisioningState"]);
        Assert.Equal("provisioning", (string?)properties["status"]);
        Assert.Equal("kept", (string?)properties["futureField"]);
        Assert.Equal("https://srch-a.search.windows.net/", (string?)properties["endpoint"]);
        Assert.Equal("enabled", (string?)properties["publicNetworkAccess"]);
        Assert.False((bool)properties["disableLocalAuth"]!);
        Assert.NotNull(properties["authOptions"]!["apiKeyOnly"]);
        Assert.Empty(properties["privateEndpointConnections"]!.AsArray());
        Assert.Equal("succeeded", (string?)firstGet["properties"]!["provisioningState"]);
        Assert.Equal("running", (string?)firstGet["properties"]!["status"]);

        var replaced = await Emu.SendAsync(HttpMethod.Put, V(Service("srch-a")), Body());
        Assert.Equal(200, (int)replaced.StatusCode);
        Assert.Equal("provisioning", (string?)(await replaced.JsonAsync())["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Sync_style_answers_settled()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = AoaiHardening.Emulator.Core.LroStyle.Sync };

        var created = await Emu.SendAsync(HttpMethod.Put, V(Service("srch-a")), Body());

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal("succeeded", (string?)(await created.JsonAsync())["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Patch_merges_synchronously_and_disableLocalAuth_clears_authOptions()
    {
        await Emu.SendAsync(HttpMethod.Put, V(Service("srch-a")), Body("""{"authOptions":{"aadOrApiKey":{"aadAuthFailureMode":"http403"}}}"""));

        var network = await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-a")),
            """{"properties":{"publicNetworkAccess":"disabled","networkRuleSet":{"ipRules":[{"value":"10.0.0.1"}],"bypass":"AzureServices"}}}""");
        var networkBody = await network.JsonAsync();
        var localAuth = await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-a")), """{"properties":{"disableLocalAuth":true}}""");
        var localAuthBody = await localAuth.JsonAsync();

        Assert.Equal(200, (int)network.StatusCode);
        Assert.Equal("disabled", (string?)networkBody["properties"]!["publicNetworkAccess"]);
        Assert.Equal("AzureServices", (string?)networkBody["properties"]!["networkRuleSet"]!["bypass"]);
        Assert.Equal("http403", (string?)networkBody["properties"]!["authOptions"]!["aadOrApiKey"]!["aadAuthFailureMode"]);
        Assert.Equal(200, (int)localAuth.StatusCode);
        Assert.True((bool)localAuthBody["properties"]!["disableLocalAuth"]!);
        Assert.True(localAuthBody["properties"]!.AsObject().ContainsKey("authOptions"));
        Assert.Null(localAuthBody["properties"]!["authOptions"]);
        Assert.Equal("1", (string?)localAuthBody["tags"]!["t"]);

        await (await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-a")), """{"properties":{"authOptions":{"apiKeyOnly":{}}}}""")).AssertErrorAsync(400, "BadRequest");
        var back = await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-a")), """{"properties":{"disableLocalAuth":false,"authOptions":{"apiKeyOnly":{}}}}""");
        Assert.Equal(200, (int)back.StatusCode);
    }

    [Theory]
    [InlineData("""{"disableLocalAuth":true,"authOptions":{"apiKeyOnly":{}}}""")]
    [InlineData("""{"authOptions":{"apiKeyOnly":{},"aadOrApiKey":{}}}""")]
    [InlineData("""{"authOptions":{}}""")]
    [InlineData("""{"authOptions":{"aadOrApiKey":{"aadAuthFailureMode":"http500"}}}""")]
    [InlineData("""{"disableLocalAuth":"yes"}""")]
    [InlineData("""{"publicNetworkAccess":"open"}""")]
    [InlineData("""{"networkRuleSet":{"bypass":"Everything"}}""")]
    [InlineData("""{"networkRuleSet":{"ipRules":[{"ip":"1.2.3.4"}]}}""")]
    public async Task Invalid_services_are_400_and_store_nothing(string properties)
    {
        await (await Emu.SendAsync(HttpMethod.Put, V(Service("srch-bad")), Body(properties))).AssertErrorAsync(400, "BadRequest");
        Assert.Empty(Emu.State.GetResources(ServiceType));
    }

    [Fact]
    public async Task Location_and_sku_are_required()
    {
        var noLocation = Body();
        noLocation.Remove("location");
        var noSku = Body();
        noSku.Remove("sku");

        await (await Emu.SendAsync(HttpMethod.Put, V(Service("s1")), noLocation)).AssertErrorAsync(400, "LocationRequired");
        await (await Emu.SendAsync(HttpMethod.Put, V(Service("s1")), noSku)).AssertErrorAsync(400, "BadRequest");
        Assert.Empty(Emu.State.GetResources(ServiceType));
    }

    [Fact]
    public async Task A_system_assigned_identity_gets_a_principal_that_role_assignments_can_target()
    {
        var body = Body();
        body["identity"] = new JsonObject { ["type"] = "SystemAssigned" };

        var created = await (await Emu.SendAsync(HttpMethod.Put, V(Service("srch-a")), body)).JsonAsync();
        var principalId = (string)created["identity"]!["principalId"]!;
        var patched = await (await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-a")), """{"tags":{"x":"y"}}""")).JsonAsync();
        var assignment = await Emu.SendAsync(HttpMethod.Put,
            $"{AccountPath("acct-a")}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version=2022-04-01",
            new JsonObject { ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
                ["principalId"] = principalId,
            } });

        Assert.True(Guid.TryParse(principalId, out _));
        Assert.Equal(TenantId, (string?)created["identity"]!["tenantId"]);
        Assert.Equal(principalId, (string?)patched["identity"]!["principalId"]);
        Assert.Equal(201, (int)assignment.StatusCode);
        Assert.Equal("ServicePrincipal", (string?)(await assignment.JsonAsync())["properties"]!["principalType"]);
        await (await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-a")), """{"identity":{"type":"Everything"}}""")).AssertErrorAsync(400, "BadRequest");
    }

    [Fact]
    public async Task Seeded_private_endpoint_connections_are_read_only_and_kept()
    {
        var seed = Body();
        seed["type"] = ServiceType;
        seed["name"] = "srch-seeded";
        seed["properties"]!["privateEndpointConnections"] = JsonNode.Parse("""[{"name":"pe1","properties":{"privateLinkServiceConnectionState":{"status":"Approved"}}}]""");
        Emu.Reset(Scenario(Account("acct-a"), seed));

        var body = Body();
        body["properties"]!["privateEndpointConnections"] = new JsonArray();
        var replaced = await (await Emu.SendAsync(HttpMethod.Put, V(Service("srch-seeded")), body)).JsonAsync();
        var patched = await (await Emu.SendAsync(HttpMethod.Patch, V(Service("srch-seeded")), """{"properties":{"privateEndpointConnections":null}}""")).JsonAsync();

        Assert.Equal("pe1", (string?)replaced["properties"]!["privateEndpointConnections"]![0]!["name"]);
        Assert.Equal("pe1", (string?)patched["properties"]!["privateEndpointConnections"]![0]!["name"]);
    }

    [Fact]
    public async Task Lists_are_paged_and_delete_is_200_then_204()
    {
        Emu.State.Config = Emu.State.Config with { PageSize = 1 };
        await Emu.SendAsync(HttpMethod.Put, V(Service("s1")), Body());
        await Emu.SendAsync(HttpMethod.Put, V(Service("s2", OtherGroup)), Body());

        var group = await Emu.GetJsonAsync(V(Services()));
        var subscription = await Emu.GetJsonAsync(V($"/subscriptions/{Subscription}/providers/Microsoft.Search/searchServices"));
        var next = await Emu.GetJsonAsync((string)subscription["nextLink"]!);

        Assert.Equal(["s1"], group["value"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Null(group["nextLink"]);
        Assert.Equal(["s1", "s2"], subscription["value"]!.AsArray().Concat(next["value"]!.AsArray()).Select(s => (string)s!["name"]!));
        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(V(Service("s1")))).StatusCode);
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(V(Service("s1")))).StatusCode);
        await (await Emu.Http.GetAsync(V(Service("s1")))).AssertErrorAsync(404, "ResourceNotFound");
        await (await Emu.SendAsync(HttpMethod.Patch, V(Service("s1")), "{}")).AssertErrorAsync(404, "ResourceNotFound");
    }
}
