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

/// <summary>Microsoft.Network virtualNetworks and subnets: LRO answers, inline/child consistency, address validation.</summary>
public sealed class NetworkVirtualNetworkTests(EmulatorFixture emu)
    : EmulatorTest(emu, NetworkTestTenant.Scenario(), c => c with { LroPolls = 0 })
{
    private static JsonObject NewVnet(params (string Name, string Prefix)[] subnets) => new()
    {
        ["location"] = "eastus",
        ["tags"] = new JsonObject { ["env"] = "test" },
        ["properties"] = new JsonObject
        {
            ["addressSpace"] = new JsonObject { ["addressPrefixes"] = new JsonArray("10.1.0.0/16") },
            ["subnets"] = new JsonArray([.. subnets.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["properties"] = new JsonObject { ["addressPrefix"] = s.Prefix },
            })]),
        },
    };

    [Fact]
    public async Task Put_is_201_with_only_Azure_AsyncOperation_and_settles_Updating_to_Succeeded_over_the_polls()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 2 };

        var response = await Emu.SendAsync(HttpMethod.Put, Net(Vnet("vnet2")), NewVnet(("a", "10.1.1.0/24")));

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Null(response.Header("Location"));
        var body = await response.JsonAsync();
        Assert.Equal("Updating", (string?)body["properties"]!["provisioningState"]);
        Assert.Matches("^W/\"[0-9a-f-]{36}\"$", (string?)body["etag"]);
        var status = new Uri(response.Header("Azure-AsyncOperation")!);
        Assert.Matches($"^/subscriptions/{Subscription}/providers/Microsoft.Network/locations/eastus/operations/[0-9a-f-]{{36}}$", status.AbsolutePath);
        Assert.Equal($"?api-version={NetworkVersion}", status.Query);

        var first = await Emu.GetJsonAsync(status.PathAndQuery);
        Assert.Equal("""{"status":"InProgress"}""", first.ToJsonString());
        Assert.Equal("Updating", (string?)(await Emu.GetJsonAsync(Net(Vnet("vnet2"))))["properties"]!["provisioningState"]);
        Assert.Equal("""{"status":"Succeeded"}""", (await Emu.GetJsonAsync(status.PathAndQuery)).ToJsonString());
        Assert.Equal("Succeeded", (string?)(await Emu.GetJsonAsync(Net(Vnet("vnet2"))))["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Inline_subnets_are_child_resources_and_both_views_show_the_same_subnet()
    {
        await Emu.PutAsync(Net(Vnet("vnet2")), NewVnet(("a", "10.1.1.0/24"), ("b", "10.1.2.0/24")), 201);

        var vnet = await Emu.GetJsonAsync(Net(Vnet("vnet2")));
        var list = await Emu.GetJsonAsync(Net(Vnet("vnet2") + "/subnets"));
        var b = await Emu.GetJsonAsync(Net(Subnet("b", "vnet2")));

        Assert.Equal(["a", "b"], Names(vnet["properties"]!["subnets"]));
        Assert.Equal(["a", "b"], Names(list["value"]));
        Assert.True(JsonNode.DeepEquals(vnet["properties"]!["subnets"]![1], b));
        Assert.Equal(Subnet("b", "vnet2"), (string?)b["id"]);
        Assert.Equal("Microsoft.Network/virtualNetworks/subnets", (string?)b["type"]);
        Assert.Equal(["a", "b"], Emu.State.GetResources("Microsoft.Network/virtualNetworks/subnets")
            .Where(s => ((string)s["id"]!).Contains("/vnet2/")).Select(s => (string)s["name"]!));
    }

    [Fact]
    public async Task Replacing_the_network_replaces_its_subnets_and_a_child_PUT_shows_in_the_network()
    {
        await Emu.PutAsync(Net(Vnet("vnet2")), NewVnet(("a", "10.1.1.0/24"), ("b", "10.1.2.0/24")), 201);

        await Emu.PutAsync(Net(Vnet("vnet2")), NewVnet(("b", "10.1.2.0/24")), 200);
        await (await Emu.Http.GetAsync(Net(Subnet("a", "vnet2")))).AssertErrorAsync(404, "NotFound");
        await Emu.PutAsync(Net(Subnet("c", "vnet2")), JsonNode.Parse("""{"properties":{"addressPrefix":"10.1.3.0/24"}}""")!, 201);

        Assert.Equal(["b", "c"], Names((await Emu.GetJsonAsync(Net(Vnet("vnet2"))))["properties"]!["subnets"]));
    }

    [Fact]
    public async Task Subnet_PUT_round_trips_unknown_fields_and_ignores_read_only_ones()
    {
        var body = JsonNode.Parse($$"""
            { "name": "ignored", "id": "/forged", "etag": "W/\"forged\"",
              "properties": { "addressPrefix": "10.0.3.0/24", "provisioningState": "Failed",
                              "serviceEndpoints": [ { "service": "Microsoft.CognitiveServices" } ],
                              "futureSetting": { "nested": [ 1, 2 ] },
                              "privateEndpoints": [ { "id": "/forged" } ] } }
            """)!;

        var created = await Emu.PutAsync(Net(Subnet("snet-new")), body, 201);

        Assert.Equal("snet-new", (string?)created["name"]);
        Assert.Equal(Subnet("snet-new"), (string?)created["id"]);
        Assert.Equal("Succeeded", (string?)created["properties"]!["provisioningState"]);
        Assert.Null(created["properties"]!["privateEndpoints"]);
        Assert.True(JsonNode.DeepEquals(body["properties"]!["futureSetting"], created["properties"]!["futureSetting"]));
        Assert.True(JsonNode.DeepEquals(body["properties"]!["serviceEndpoints"], created["properties"]!["serviceEndpoints"]));
        Assert.True(JsonNode.DeepEquals(created, (await Emu.GetJsonAsync(Net(Vnet())))["properties"]!["subnets"]![2]));
    }

    [Fact]
    public async Task The_SubnetCreate_example_is_answered_in_the_examples_shape()
    {
        var example = Example("Microsoft.Network", NetworkVersion, "SubnetCreate.json");
        var vnet = NewVnet();
        vnet["properties"]!["addressSpace"]!["addressPrefixes"] = new JsonArray("10.0.0.0/16");
        await Emu.PutAsync(Net(Vnet("vnetname")), vnet, 201);

        var created = await Emu.PutAsync(Net(Subnet("subnet1", "vnetname")), example["parameters"]!["subnetParameters"]!, 201);
        var replaced = await Emu.PutAsync(Net(Subnet("subnet1", "vnetname")), example["parameters"]!["subnetParameters"]!, 200);

        AssertShape(example["responses"]!["201"]!["body"]!, created);
        AssertShape(example["responses"]!["200"]!["body"]!, replaced);
        Assert.Equal("10.0.0.0/16", (string?)created["properties"]!["addressPrefix"]);
        Assert.Equal("subnet1", (string?)created["name"]);
    }

    [Theory]
    [InlineData("10.1.0.0/24", "NetcfgSubnetRangeOutsideVnet", "outside the IP address range of virtual network 'vnet1'")]
    [InlineData("10.0.2.128/25", "NetcfgSubnetRangesOverlap", "overlaps with that of an existing subnet")]
    [InlineData("10.0.5.7/24", "InvalidCIDRNotation", "the address prefix should be 10.0.5.0/24")]
    [InlineData("10.0.5/24", "InvalidAddressPrefixFormat", "It should follow CIDR notation")]
    [InlineData("10.0.5.300/24", "InvalidAddressPrefixFormat", "not formatted correctly")]
    [InlineData("10.0.5.0/30", "NetcfgInvalidSubnet", "Subnet 'snet-x' is not valid in virtual network 'vnet1'.")]
    public async Task A_subnet_prefix_must_be_valid_CIDR_inside_the_address_space_and_free(string prefix, string code, string messagePart)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["addressPrefixes"] = new JsonArray(prefix) } };

        var message = await (await Emu.SendAsync(HttpMethod.Put, Net(Subnet("snet-x")), body)).AssertErrorAsync(400, code);

        Assert.Contains(messagePart, message);
        Assert.Null(Emu.State.GetResource(Subnet("snet-x")));
    }

    [Fact]
    public async Task A_subnet_without_a_prefix_and_a_network_whose_inline_subnets_overlap_are_refused()
    {
        await (await Emu.SendAsync(HttpMethod.Put, Net(Subnet("snet-x")), JsonNode.Parse("""{"properties":{}}""")))
            .AssertErrorAsync(400, "NoAddressPrefixOrPoolProvided");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Vnet("vnet2")), NewVnet(("a", "10.1.1.0/24"), ("b", "10.1.1.128/25"))))
            .AssertErrorAsync(400, "NetcfgSubnetRangesOverlap");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Vnet("vnet2")), NewVnet(("a", "10.1.1.0/24"), ("A", "10.1.2.0/24"))))
            .AssertErrorAsync(400, "DuplicateResourceName");
        Assert.Null(Emu.State.GetResource(Vnet("vnet2")));
    }

    [Fact]
    public async Task Shrinking_the_address_space_under_a_subnet_is_refused()
    {
        var vnet = (JsonObject)Emu.State.GetResource(Vnet())!.DeepClone();
        vnet["properties"]!["addressSpace"]!["addressPrefixes"] = new JsonArray("10.0.1.0/24");

        await (await Emu.SendAsync(HttpMethod.Put, Net(Vnet()), vnet)).AssertErrorAsync(400, "NetcfgSubnetRangeOutsideVnet");
    }

    [Fact]
    public async Task A_subnets_NSG_must_exist_in_the_networks_region_and_then_lists_the_subnet()
    {
        JsonNode WithNsg(string id) => new JsonObject
        {
            ["properties"] = new JsonObject { ["addressPrefix"] = "10.0.2.0/24", ["networkSecurityGroup"] = new JsonObject { ["id"] = id } },
        };

        var message = await (await Emu.SendAsync(HttpMethod.Put, Net(Subnet("snet-app")), WithNsg(Nsg("ghost")))).AssertErrorAsync(400, "InvalidResourceReference");
        Assert.Contains(Nsg("ghost"), message);

        var subnet = await Emu.PutAsync(Net(Subnet("snet-app")), WithNsg(Nsg().ToUpperInvariant()), 200);
        Assert.Equal(Nsg().ToUpperInvariant(), (string?)subnet["properties"]!["networkSecurityGroup"]!["id"]);
        var nsg = await Emu.GetJsonAsync(Net(Nsg()));
        Assert.Equal(Subnet("snet-app"), (string?)nsg["properties"]!["subnets"]![0]!["id"]);

        var delete = await Emu.Http.DeleteAsync(Net(Nsg()));
        Assert.Contains(Subnet("snet-app"), await delete.AssertErrorAsync(400, "InUseNetworkSecurityGroupCannotBeDeleted"));
    }

    [Fact]
    public async Task Delete_is_202_with_Location_and_Azure_AsyncOperation_then_the_network_and_its_subnets_are_gone()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 2 };

        var response = await Emu.Http.DeleteAsync(Net(Vnet()));

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        var location = new Uri(response.Header("Location")!);
        Assert.Matches($"^/subscriptions/{Subscription}/providers/Microsoft.Network/locations/eastus/operationResults/[0-9a-f-]{{36}}$", location.AbsolutePath);
        Assert.EndsWith("/operations/" + location.Segments[^1], new Uri(response.Header("Azure-AsyncOperation")!).AbsolutePath);
        Assert.Equal("Deleting", (string?)(await Emu.GetJsonAsync(Net(Vnet())))["properties"]!["provisioningState"]);
        Assert.Equal(202, (int)(await Emu.Http.GetAsync(location)).StatusCode);
        Assert.Equal(204, (int)(await Emu.Http.GetAsync(location)).StatusCode);

        await (await Emu.Http.GetAsync(Net(Vnet()))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Empty(Emu.State.GetResources("Microsoft.Network/virtualNetworks/subnets"));
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Net(Vnet()))).StatusCode);
    }

    [Fact]
    public async Task Children_of_a_missing_network_are_ParentResourceNotFound_and_a_missing_subnet_NotFound()
    {
        var body = JsonNode.Parse("""{"properties":{"addressPrefix":"10.0.3.0/24"}}""");

        await (await Emu.SendAsync(HttpMethod.Put, Net(Subnet("s", "ghost")), body)).AssertErrorAsync(404, "ParentResourceNotFound");
        await (await Emu.Http.GetAsync(Net(Vnet("ghost") + "/subnets"))).AssertErrorAsync(404, "ParentResourceNotFound");
        var message = await (await Emu.Http.GetAsync(Net(Subnet("ghost")))).AssertErrorAsync(404, "NotFound");
        Assert.Equal($"Resource {Subnet("ghost")} not found.", message);
    }

    [Fact]
    public async Task Patch_updates_tags_only_synchronously()
    {
        var response = await Emu.SendAsync(HttpMethod.Patch, Net(Vnet()), JsonNode.Parse("""{"tags":{"a":"b"},"location":"westus"}"""));

        Assert.Equal(200, (int)response.StatusCode);
        var vnet = await response.JsonAsync();
        Assert.Equal("b", (string?)vnet["tags"]!["a"]);
        Assert.Equal("eastus", (string?)vnet["location"]);
        Assert.Null(response.Header("Azure-AsyncOperation"));
    }

    [Fact]
    public async Task A_network_cannot_move_and_needs_a_location()
    {
        var moved = NewVnet();
        moved["location"] = "westus";
        moved["properties"]!["addressSpace"]!["addressPrefixes"] = new JsonArray("10.0.0.0/16");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Vnet()), moved)).AssertErrorAsync(400, "InvalidResourceLocation");

        moved.Remove("location");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Vnet("vnet9")), moved)).AssertErrorAsync(400, "LocationRequired");
    }

    [Fact]
    public async Task Lists_by_resource_group_and_subscription_page()
    {
        Emu.State.Config = Emu.State.Config with { PageSize = 1 };
        await Emu.PutAsync(Net(Vnet("vnet2")), NewVnet(), 201);

        var page = await Emu.GetJsonAsync(Net(Network("/virtualNetworks")));
        var all = await Emu.GetJsonAsync(Net($"/subscriptions/{Subscription}/providers/Microsoft.Network/virtualNetworks"));

        Assert.Equal(["vnet1"], Names(page["value"]));
        Assert.NotNull(page["nextLink"]);
        Assert.Equal(["vnet2"], Names((await Emu.GetJsonAsync(new Uri((string)page["nextLink"]!).PathAndQuery))["value"]));
        Assert.Single(all["value"]!.AsArray());
    }

    [Fact]
    public async Task Sync_style_answers_the_settled_network_with_201()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = LroStyle.Sync, LroPolls = 3 };

        var created = await Emu.SendAsync(HttpMethod.Put, Net(Vnet("vnet2")), NewVnet());

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Null(created.Header("Azure-AsyncOperation"));
        Assert.Equal("Succeeded", (string?)(await created.JsonAsync())["properties"]!["provisioningState"]);
    }
}
