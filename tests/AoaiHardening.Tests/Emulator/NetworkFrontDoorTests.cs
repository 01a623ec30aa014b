using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.NetworkTestTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>What every ARM route gets, on the network routes too: api-versions, faults, the request log; and the demo tenant.</summary>
public sealed class NetworkFrontDoorTests(EmulatorFixture emu)
    : EmulatorTest(emu, NetworkTestTenant.Scenario(), c => c with { LroPolls = 0 })
{
    [Theory]
    [InlineData("/virtualNetworks/vnet1", "2024-06-01", "2025-07-01,2025-05-01")]
    [InlineData("/virtualNetworks/vnet1/subnets/snet-pe", "2025-09-01", "2025-07-01,2025-05-01")]
    [InlineData("/networkSecurityGroups/nsg1/securityRules", "2023-01-01", "2025-07-01,2025-05-01")]
    [InlineData("/privateEndpoints", "2024-06-01", "2025-07-01,2025-05-01")]
    [InlineData("/privateDnsZones", "2025-07-01", "2024-06-01,2020-06-01")]
    [InlineData("/privateDnsZones/z.example.com/ALL", "2025-05-01", "2024-06-01,2020-06-01")]
    public async Task Each_network_type_accepts_only_its_api_versions(string path, string version, string supported)
    {
        var message = await (await Emu.Http.GetAsync($"{Network(path)}?api-version={version}")).AssertErrorAsync(400, "InvalidApiVersionParameter");

        Assert.StartsWith($"The api-version '{version}' is invalid. The supported versions are '{supported}'.", message);
    }

    [Fact]
    public async Task The_older_supported_versions_are_served()
    {
        Assert.Equal(200, (int)(await Emu.Http.GetAsync($"{Vnet()}?api-version=2025-05-01")).StatusCode);
        Assert.Equal(200, (int)(await Emu.Http.GetAsync($"{Network("/privateDnsZones")}?api-version=2020-06-01")).StatusCode);
    }

    [Fact]
    public async Task Unknown_network_types_are_InvalidResourceType_and_missing_resource_groups_404()
    {
        await (await Emu.Http.GetAsync(Net(Network("/loadBalancers/lb1")))).AssertErrorAsync(400, "InvalidResourceType");
        await (await Emu.Http.GetAsync(Net(Vnet().Replace("rg-test", "rg-ghost")))).AssertErrorAsync(404, "ResourceGroupNotFound");
    }

    [Fact]
    public async Task A_status_fault_on_a_network_path_answers_instead_and_changes_nothing()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "/subnets/snet-new", Method = "PUT", Kind = FaultKind.Status, Status = 429, RetryAfter = 5 });
        var body = JsonNode.Parse("""{"properties":{"addressPrefix":"10.0.3.0/24"}}""")!;

        var faulted = await Emu.SendAsync(HttpMethod.Put, Net(Subnet("snet-new")), body);

        await faulted.AssertErrorAsync(429, "TooManyRequests");
        Assert.Equal("5", faulted.Header("Retry-After"));
        Assert.Null(Emu.State.GetResource(Subnet("snet-new")));
        await Emu.PutAsync(Net(Subnet("snet-new")), body, 201);
        Assert.Equal(["status", null], Emu.State.Requests.Snapshot().Select(r => r.Fault));
    }

    [Fact]
    public async Task An_lroFail_fault_fails_the_endpoints_operation_with_the_faults_error()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        Emu.State.Faults.Add(new FaultSpec { Path = "/privateEndpoints/pe1", Kind = FaultKind.LroFail, Status = 400, Code = "PrivateEndpointCreationFailed", Message = "boom" });

        var response = await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), EndpointBody());
        Assert.Equal(201, (int)response.StatusCode);
        var status = await Emu.GetJsonAsync(new Uri(response.Header("Azure-AsyncOperation")!).PathAndQuery);

        Assert.Equal("""{"status":"Failed","error":{"code":"PrivateEndpointCreationFailed","message":"boom"}}""", status.ToJsonString());
        Assert.Equal("Failed", (string?)(await Emu.GetJsonAsync(Net(Endpoint("pe1"))))["properties"]!["provisioningState"]);
        Assert.Equal("lroFail", Emu.State.Requests.Snapshot()[0].Fault);
    }

    [Fact]
    public async Task A_reset_fault_on_a_DNS_path_drops_the_connection()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "/privateDnsZones/", Kind = FaultKind.Reset });

        await Assert.ThrowsAsync<HttpRequestException>(() => Emu.Http.GetAsync(Dns(Network("/privateDnsZones/z.example.com"))));

        Assert.Null(Emu.State.Requests.Snapshot().Single().Status);
    }

    [Fact]
    public async Task Network_requests_are_logged_with_their_body()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        var entry = Emu.State.Requests.Snapshot().Single();

        Assert.Equal("PUT", entry.Method);
        Assert.Equal(Endpoint("pe1"), entry.Path);
        Assert.Equal(NetworkVersion, entry.ApiVersion);
        Assert.Equal(201, entry.Status);
        Assert.Equal(AccountPath("acct-a"), (string?)entry.Body!["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["privateLinkServiceId"]);
    }

    [Fact]
    public async Task Unknown_operations_are_404_on_the_network_and_DNS_status_URLs()
    {
        var id = Guid.NewGuid();
        await (await Emu.Http.GetAsync(Net($"/subscriptions/{Subscription}/providers/Microsoft.Network/locations/eastus/operations/{id}"))).AssertErrorAsync(404, "OperationNotFound");
        await (await Emu.Http.GetAsync(Dns(Network($"/privateDnsOperationStatuses/{id}")))).AssertErrorAsync(404, "OperationNotFound");
    }

    [Fact]
    public async Task A_network_operation_is_not_found_at_another_providers_status_URL()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        var response = await Emu.SendAsync(HttpMethod.Put, Net(Vnet()), Emu.State.GetResource(Vnet()));
        var id = new Uri(response.Header("Azure-AsyncOperation")!).Segments[^1];

        await (await Emu.Http.GetAsync(Api($"/subscriptions/{Subscription}/providers/Microsoft.CognitiveServices/locations/eastus/operationStatuses/{id}")))
            .AssertErrorAsync(404, "OperationNotFound");
        Assert.Equal("Updating", (string?)(await Emu.GetJsonAsync(Net(Vnet())))["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task The_demo_tenant_serves_vnet_ai_prod_and_its_three_subnets_in_rg_network()
    {
        Emu.Reset(ScenarioTests.DemoTenantJson());
        const string demo = "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-ai-prod";

        var vnet = await Emu.GetJsonAsync(Net(demo));
        var subnets = await Emu.GetJsonAsync(Net(demo + "/subnets"));
        var group = await Emu.GetJsonAsync("/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-network?api-version=2021-04-01");

        Assert.Equal("eastus", (string?)group["location"]);
        Assert.Equal("""["10.20.0.0/16"]""", vnet["properties"]!["addressSpace"]!["addressPrefixes"]!.ToJsonString());
        Assert.Equal(["snet-private-endpoints", "snet-app", "snet-apim"], Names(subnets["value"]));
        Assert.Equal(["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"], subnets["value"]!.AsArray().Select(s => (string)s!["properties"]!["addressPrefix"]!));
        Assert.All(subnets["value"]!.AsArray(), s => Assert.Null(s!["properties"]!["networkSecurityGroup"]));
        Assert.Equal($"{demo}/subnets/snet-private-endpoints", (string?)subnets["value"]![0]!["id"]);
        Assert.True(JsonNode.DeepEquals(vnet["properties"]!["subnets"], subnets["value"]));
        Assert.Empty((await Emu.GetJsonAsync(Dns("/subscriptions/00000000-0000-0000-0000-00000000c0de/providers/Microsoft.Network/privateDnsZones")))["value"]!.AsArray());
    }
}
