using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.NetworkTestTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>privateDnsZoneGroups: the A records Azure writes into the private DNS zones for an endpoint, and takes back.</summary>
public sealed class NetworkDnsZoneGroupTests(EmulatorFixture emu)
    : EmulatorTest(emu, NetworkTestTenant.Scenario(), c => c with { LroPolls = 0 })
{
    private const string OpenAiZone = "privatelink.openai.azure.com";
    private const string CognitiveZone = "privatelink.cognitiveservices.azure.com";
    private const string ServicesZone = "privatelink.services.ai.azure.com";

    private async Task ZonesAsync(params string[] zones)
    {
        foreach (var zone in zones)
            await Emu.PutAsync(Dns(Zone(zone)), JsonNode.Parse("""{"location":"global"}""")!, 201);
    }

    private string ZoneGroupPath(string endpoint = "pe1", string name = "default") => Net($"{Endpoint(endpoint)}/privateDnsZoneGroups/{name}");

    private async Task<JsonNode?> RecordAsync(string zone, string name)
    {
        var response = await Emu.Http.GetAsync(Dns($"{Zone(zone)}/A/{name}"));
        return response.IsSuccessStatusCode ? await response.JsonAsync() : null;
    }

    [Fact]
    public async Task A_zone_group_writes_an_A_record_per_FQDN_under_each_zone_and_lists_them()
    {
        await ZonesAsync(OpenAiZone, CognitiveZone, ServicesZone);
        var pe = await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        var group = await Emu.PutAsync(ZoneGroupPath(), ZoneGroupBody(OpenAiZone, CognitiveZone, ServicesZone), 201);

        var openAi = (await RecordAsync(OpenAiZone, "acct-a"))!;
        Assert.Equal("""[{"ipv4Address":"10.0.1.4"}]""", openAi["properties"]!["aRecords"]!.ToJsonString());
        Assert.Equal(10, (int)openAi["properties"]!["ttl"]!);
        Assert.Equal("acct-a.privatelink.openai.azure.com.", (string?)openAi["properties"]!["fqdn"]);
        Assert.False((bool)openAi["properties"]!["isAutoRegistered"]!);
        Assert.StartsWith("created by private endpoint pe1", (string?)openAi["properties"]!["metadata"]!["creator"]);
        Assert.NotNull(await RecordAsync(CognitiveZone, "acct-a"));
        Assert.Null(await RecordAsync(ServicesZone, "acct-a")); // kind OpenAI has no services.ai.azure.com name

        var configs = group["properties"]!["privateDnsZoneConfigs"]!.AsArray();
        Assert.Equal(["privatelink-openai-azure-com", "privatelink-cognitiveservices-azure-com", "privatelink-services-ai-azure-com"], Names(configs));
        Assert.Equal(
            """[{"recordType":"A","recordSetName":"acct-a","fqdn":"acct-a.privatelink.openai.azure.com","ttl":10,"ipAddresses":["10.0.1.4"],"provisioningState":"Succeeded"}]""",
            configs[0]!["properties"]!["recordSets"]!.ToJsonString());
        Assert.Empty(configs[2]!["properties"]!["recordSets"]!.AsArray());
        Assert.Equal("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", (string?)group["type"]);
        Assert.Equal($"{Endpoint("pe1")}/privateDnsZoneGroups/default", (string?)group["id"]);
        Assert.True(JsonNode.DeepEquals(pe["properties"]!["customDnsConfigs"], (await Emu.GetJsonAsync(Net(Endpoint("pe1"))))["properties"]!["customDnsConfigs"]));
        Assert.True(JsonNode.DeepEquals(group, (await Emu.GetJsonAsync(Net($"{Endpoint("pe1")}/privateDnsZoneGroups")))["value"]![0]));
    }

    [Fact]
    public async Task The_PrivateEndpointDnsZoneGroupCreate_example_is_answered_in_the_examples_shape()
    {
        var example = Example("Microsoft.Network", NetworkVersion, "PrivateEndpointDnsZoneGroupCreate.json");
        await ZonesAsync(OpenAiZone);
        await Emu.PutAsync(Net(Endpoint("testPe")), EndpointBody(), 201);
        var body = example["parameters"]!["parameters"]!.DeepClone();
        body["properties"]!["privateDnsZoneConfigs"]![0]!["properties"]!["privateDnsZoneId"] = Zone(OpenAiZone);

        var created = await Emu.PutAsync(ZoneGroupPath("testPe", "testPdnsgroup"), body, 201);
        var replaced = await Emu.PutAsync(ZoneGroupPath("testPe", "testPdnsgroup"), body, 200);

        AssertShape(example["responses"]!["201"]!["body"]!, created);
        AssertShape(example["responses"]!["200"]!["body"]!, replaced);
        Assert.Equal("testPdnsgroup", (string?)created["name"]);
        Assert.Equal("acct-a", (string?)replaced["properties"]!["privateDnsZoneConfigs"]![0]!["properties"]!["recordSets"]![0]!["recordSetName"]);
        Assert.Equal("""[{"ipv4Address":"10.0.1.4"}]""", (await RecordAsync(OpenAiZone, "acct-a"))!["properties"]!["aRecords"]!.ToJsonString());
    }

    [Theory]
    [InlineData("acct-b", "acct-b", true)]
    [InlineData("acct-lang", "acct-lang", false)]
    public async Task The_services_ai_zone_gets_a_record_for_AIServices_only(string account, string record, bool expected)
    {
        await ZonesAsync(ServicesZone);
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(account), 201);

        await Emu.PutAsync(ZoneGroupPath(), ZoneGroupBody(ServicesZone), 201);

        Assert.Equal(expected, await RecordAsync(ServicesZone, record) is not null);
    }

    [Fact]
    public async Task The_zones_must_exist()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        var message = await (await Emu.SendAsync(HttpMethod.Put, ZoneGroupPath(), ZoneGroupBody(OpenAiZone))).AssertErrorAsync(400, "InvalidResourceReference");

        Assert.Contains(Zone(OpenAiZone), message);
        Assert.Null(Emu.State.GetResource($"{Endpoint("pe1")}/privateDnsZoneGroups/default"));
        await (await Emu.SendAsync(HttpMethod.Put, ZoneGroupPath("ghost"), ZoneGroupBody())).AssertErrorAsync(404, "ParentResourceNotFound");
    }

    [Fact]
    public async Task Deleting_the_group_takes_back_only_its_own_address()
    {
        await ZonesAsync(OpenAiZone);
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);
        await Emu.PutAsync(Net(Endpoint("pe2")), EndpointBody(), 201);
        await Emu.PutAsync(ZoneGroupPath("pe1"), ZoneGroupBody(OpenAiZone), 201);
        await Emu.PutAsync(ZoneGroupPath("pe2"), ZoneGroupBody(OpenAiZone), 201);
        Assert.Equal("""[{"ipv4Address":"10.0.1.4"},{"ipv4Address":"10.0.1.5"}]""", (await RecordAsync(OpenAiZone, "acct-a"))!["properties"]!["aRecords"]!.ToJsonString());

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(ZoneGroupPath("pe1"))).StatusCode);
        Assert.Equal("""[{"ipv4Address":"10.0.1.5"}]""", (await RecordAsync(OpenAiZone, "acct-a"))!["properties"]!["aRecords"]!.ToJsonString());
        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(ZoneGroupPath("pe2"))).StatusCode);

        Assert.Null(await RecordAsync(OpenAiZone, "acct-a"));
        Assert.Equal(1, (int)(await Emu.GetJsonAsync(Dns(Zone(OpenAiZone))))["properties"]!["numberOfRecordSets"]!);
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(ZoneGroupPath("pe2"))).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_endpoint_removes_its_records_and_the_accounts_connection()
    {
        await ZonesAsync(OpenAiZone, CognitiveZone);
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);
        await Emu.PutAsync(ZoneGroupPath(), ZoneGroupBody(OpenAiZone, CognitiveZone), 201);

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Net(Endpoint("pe1")))).StatusCode);

        Assert.Null(await RecordAsync(OpenAiZone, "acct-a"));
        Assert.Null(await RecordAsync(CognitiveZone, "acct-a"));
        Assert.Empty(Emu.State.GetResources("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
        Assert.Empty(Emu.State.GetResources("Microsoft.CognitiveServices/accounts/privateEndpointConnections"));
    }

    [Fact]
    public async Task Replacing_the_group_moves_the_records_to_the_new_zones()
    {
        await ZonesAsync(OpenAiZone, CognitiveZone);
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);
        await Emu.PutAsync(ZoneGroupPath(), ZoneGroupBody(OpenAiZone), 201);

        await Emu.PutAsync(ZoneGroupPath(), ZoneGroupBody(CognitiveZone), 200);

        Assert.Null(await RecordAsync(OpenAiZone, "acct-a"));
        Assert.NotNull(await RecordAsync(CognitiveZone, "acct-a"));
    }

    [Fact]
    public async Task The_control_API_lists_every_child_type()
    {
        await ZonesAsync(OpenAiZone);
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);
        await Emu.PutAsync(ZoneGroupPath(), ZoneGroupBody(OpenAiZone), 201);
        await Emu.PutAsync(Dns($"{Zone(OpenAiZone)}/virtualNetworkLinks/l1"),
            new JsonObject { ["location"] = "global", ["properties"] = new JsonObject { ["virtualNetwork"] = new JsonObject { ["id"] = Vnet() } } }, 201);

        var zoneGroups = await Emu.GetJsonAsync("/_emulator/resources?type=Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
        var records = await Emu.GetJsonAsync("/_emulator/resources?type=Microsoft.Network/privateDnsZones/A");
        var links = await Emu.GetJsonAsync("/_emulator/resources?type=Microsoft.Network/privateDnsZones/virtualNetworkLinks");
        var connections = await Emu.GetJsonAsync("/_emulator/resources?type=Microsoft.CognitiveServices/accounts/privateEndpointConnections");
        var subnets = await Emu.GetJsonAsync("/_emulator/resources?type=Microsoft.Network/virtualNetworks/subnets");

        Assert.Equal(["default"], Names(zoneGroups["value"]));
        Assert.Equal(["acct-a"], Names(records["value"]));
        Assert.Equal(["l1"], Names(links["value"]));
        Assert.Single(connections["value"]!.AsArray());
        Assert.Equal(["snet-pe", "snet-app"], Names(subnets["value"]));
        Assert.True(JsonNode.DeepEquals(zoneGroups["value"]![0], await Emu.GetJsonAsync(ZoneGroupPath())));
    }
}
