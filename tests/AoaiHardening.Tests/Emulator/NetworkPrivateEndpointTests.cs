using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.NetworkTestTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Private endpoints to CognitiveServices accounts: addresses, DNS configs, the account's connection, refusals.</summary>
public sealed class NetworkPrivateEndpointTests(EmulatorFixture emu)
    : EmulatorTest(emu, NetworkTestTenant.Scenario(), c => c with { LroPolls = 0 })
{
    private const string ConnectionType = "Microsoft.CognitiveServices/accounts/privateEndpointConnections";

    private async Task<JsonNode> ConnectionsAsync(string account) =>
        (await Emu.GetJsonAsync(Api(AccountPath(account) + "/privateEndpointConnections")))["value"]!;

    [Fact]
    public async Task Create_allocates_the_first_free_address_after_the_four_reserved_and_auto_approves()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };

        var response = await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), EndpointBody());
        var second = await Emu.PutAsync(Net(Endpoint("pe2")), EndpointBody("acct-b"), 201);

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Matches($"/providers/Microsoft.Network/locations/eastus/operations/", response.Header("Azure-AsyncOperation"));
        var pe = await response.JsonAsync();
        Assert.Equal("Updating", (string?)pe["properties"]!["provisioningState"]);
        Assert.Equal("10.0.1.4", (string?)pe["properties"]!["customDnsConfigs"]![0]!["ipAddresses"]![0]);
        Assert.Equal("10.0.1.5", (string?)second["properties"]!["customDnsConfigs"]![0]!["ipAddresses"]![0]);
        var connection = pe["properties"]!["privateLinkServiceConnections"]![0]!;
        Assert.Equal("conn", (string?)connection["name"]);
        Assert.Equal($"{Endpoint("pe1")}/privateLinkServiceConnections/conn", (string?)connection["id"]);
        Assert.Equal("Microsoft.Network/privateEndpoints/privateLinkServiceConnections", (string?)connection["type"]);
        Assert.Equal("""{"status":"Approved","description":"Auto-Approved","actionsRequired":"None"}""",
            connection["properties"]!["privateLinkServiceConnectionState"]!.ToJsonString());
        Assert.Equal(["account"], connection["properties"]!["groupIds"]!.AsArray().Select(g => (string)g!));
        Assert.Empty(pe["properties"]!["manualPrivateLinkServiceConnections"]!.AsArray());
        Assert.Matches($"^{Network("/networkInterfaces/pe1.nic.")}[0-9a-f-]{{36}}$", (string?)pe["properties"]!["networkInterfaces"]![0]!["id"]);

        Assert.Equal("Succeeded", (string?)(await Emu.GetJsonAsync(new Uri(response.Header("Azure-AsyncOperation")!).PathAndQuery))["status"]);
        Assert.Equal("Succeeded", (string?)(await Emu.GetJsonAsync(Net(Endpoint("pe1"))))["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task The_account_shows_an_Approved_connection_in_the_CognitiveServices_shape()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        var account = await Emu.GetJsonAsync(Api(AccountPath("acct-a")));
        var inline = account["properties"]!["privateEndpointConnections"]!.AsArray().Single()!;
        var name = (string)inline["name"]!;
        var listed = await ConnectionsAsync("acct-a");
        var single = await Emu.GetJsonAsync(Api($"{AccountPath("acct-a")}/privateEndpointConnections/{name}"));

        Assert.Matches("^pe1\\.[0-9a-f-]{36}$", name);
        Assert.Equal($"{AccountPath("acct-a")}/privateEndpointConnections/{name}", (string?)inline["id"]);
        Assert.Equal(ConnectionType, (string?)inline["type"]);
        Assert.Equal("eastus", (string?)inline["location"]);
        Assert.NotNull(inline["etag"]);
        Assert.Equal(Endpoint("pe1"), (string?)inline["properties"]!["privateEndpoint"]!["id"]);
        Assert.Equal("""{"status":"Approved","description":"Auto-Approved","actionsRequired":"None"}""",
            inline["properties"]!["privateLinkServiceConnectionState"]!.ToJsonString());
        Assert.Equal("""["account"]""", inline["properties"]!["groupIds"]!.ToJsonString());
        Assert.Equal("Succeeded", (string?)inline["properties"]!["provisioningState"]);
        Assert.True(JsonNode.DeepEquals(inline, listed[0]));
        Assert.True(JsonNode.DeepEquals(inline, single));
        Assert.Null((await Emu.GetJsonAsync(Api(AccountPath("acct-a") + "/privateEndpointConnections")))["nextLink"]);
        Assert.Null((await Emu.GetJsonAsync(Api(AccountPath("acct-b"))))["properties"]!["privateEndpointConnections"]);
        var example = Example("Microsoft.CognitiveServices", "2025-06-01", "GetPrivateEndpointConnection.json");
        AssertShape(example["responses"]!["200"]!["body"]!, single);
    }

    [Theory]
    [InlineData("acct-a", "acct-a.openai.azure.com", "acct-a.cognitiveservices.azure.com")]
    [InlineData("acct-b", "acct-b.openai.azure.com", "acct-b.cognitiveservices.azure.com", "acct-b.services.ai.azure.com")]
    [InlineData("acct-lang", "acct-lang.cognitiveservices.azure.com")]
    public async Task CustomDnsConfigs_list_the_host_names_of_the_accounts_kind(string account, params string[] fqdns)
    {
        var pe = await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(account), 201);

        var configs = pe["properties"]!["customDnsConfigs"]!.AsArray();
        Assert.Equal(fqdns, configs.Select(c => (string)c!["fqdn"]!));
        Assert.All(configs, c => Assert.Equal("""["10.0.1.4"]""", c!["ipAddresses"]!.ToJsonString()));
    }

    [Fact]
    public async Task A_manual_connection_is_Pending_until_the_account_owner_approves_it()
    {
        var pe = await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(manual: true), 201);

        var manual = pe["properties"]!["manualPrivateLinkServiceConnections"]!.AsArray().Single()!;
        Assert.Equal($"{Endpoint("pe1")}/manualPrivateLinkServiceConnections/conn", (string?)manual["id"]);
        Assert.Equal("Pending", (string?)manual["properties"]!["privateLinkServiceConnectionState"]!["status"]);
        Assert.Empty(pe["properties"]!["privateLinkServiceConnections"]!.AsArray());
        var connection = (await ConnectionsAsync("acct-a")).AsArray().Single()!;
        Assert.Equal("Pending", (string?)connection["properties"]!["privateLinkServiceConnectionState"]!["status"]);
        Assert.Equal("please approve", (string?)connection["properties"]!["privateLinkServiceConnectionState"]!["description"]);

        var approve = JsonNode.Parse("""{"properties":{"privateLinkServiceConnectionState":{"status":"Approved","description":"ok by owner"}}}""");
        var approved = await Emu.PutAsync(Api($"{AccountPath("acct-a")}/privateEndpointConnections/{connection["name"]}"), approve!, 200);

        Assert.Equal("Approved", (string?)approved["properties"]!["privateLinkServiceConnectionState"]!["status"]);
        var after = await Emu.GetJsonAsync(Net(Endpoint("pe1")));
        Assert.Equal("ok by owner", (string?)after["properties"]!["manualPrivateLinkServiceConnections"]![0]!["properties"]!["privateLinkServiceConnectionState"]!["description"]);
    }

    [Fact]
    public async Task Removing_the_connection_on_the_account_leaves_the_endpoint_Disconnected()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);
        var name = (string)(await ConnectionsAsync("acct-a"))[0]!["name"]!;

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Api($"{AccountPath("acct-a")}/privateEndpointConnections/{name}"))).StatusCode);

        Assert.Empty((await ConnectionsAsync("acct-a")).AsArray());
        var pe = await Emu.GetJsonAsync(Net(Endpoint("pe1")));
        Assert.Equal("Disconnected", (string?)pe["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["privateLinkServiceConnectionState"]!["status"]);
        await (await Emu.Http.GetAsync(Api($"{AccountPath("acct-a")}/privateEndpointConnections/{name}"))).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public async Task Replacing_or_patching_the_account_keeps_its_connections_and_deleting_it_disconnects_the_endpoint()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);
        var account = Emu.State.GetResource(AccountPath("acct-a"))!.DeepClone();
        account["properties"]!["privateEndpointConnections"] = new JsonArray(); // a client echoing the read-only list changes nothing

        await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-a")), account);
        await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), JsonNode.Parse("""{"properties":{"publicNetworkAccess":"Disabled"}}"""));
        Assert.Single((await ConnectionsAsync("acct-a")).AsArray());
        Assert.Single((await Emu.GetJsonAsync(Api(AccountPath("acct-a"))))["properties"]!["privateEndpointConnections"]!.AsArray());

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Api(AccountPath("acct-a")))).StatusCode);

        Assert.Empty(Emu.State.GetResources(ConnectionType));
        var pe = await Emu.GetJsonAsync(Net(Endpoint("pe1")));
        Assert.Equal("Disconnected", (string?)pe["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["privateLinkServiceConnectionState"]!["status"]);
    }

    [Fact]
    public async Task Deleting_the_endpoint_removes_the_accounts_connection_when_the_operation_completes()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        var delete = await Emu.Http.DeleteAsync(Net(Endpoint("pe1")));
        Assert.Equal(202, (int)delete.StatusCode);
        Assert.Single((await ConnectionsAsync("acct-a")).AsArray());
        Assert.Equal(204, (int)(await Emu.Http.GetAsync(new Uri(delete.Header("Location")!).PathAndQuery)).StatusCode);

        Assert.Empty((await ConnectionsAsync("acct-a")).AsArray());
        Assert.Null((await Emu.GetJsonAsync(Api(AccountPath("acct-a"))))["properties"]!["privateEndpointConnections"]);
        await (await Emu.Http.GetAsync(Net(Endpoint("pe1")))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Null((await Emu.GetJsonAsync(Net(Subnet("snet-pe"))))["properties"]!["privateEndpoints"]);
    }

    [Theory]
    [InlineData("acct-a", "blob", "InvalidPrivateLinkServiceConnectionGroupId")]
    [InlineData("acct-a", "account,blob", "OnlyOneGroupIdPermitted")]
    [InlineData("ghost", "account", "PrivateLinkServiceNotFound")]
    [InlineData("acct-nosub", "account", "BadRequest")]
    public async Task The_target_must_be_an_existing_account_with_a_subdomain_and_group_id_account(string account, string groups, string code)
    {
        var body = EndpointBody(account);
        body["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["groupIds"] = new JsonArray([.. groups.Split(',').Select(g => (JsonNode)g)]);

        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), body)).AssertErrorAsync(400, code);

        Assert.Null(Emu.State.GetResource(Endpoint("pe1")));
        Assert.Empty(Emu.State.GetResources(ConnectionType));
    }

    [Fact]
    public async Task An_account_still_provisioning_is_refused_as_ARM_does()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-new")), Account("acct-new"));

        var message = await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), EndpointBody("acct-new"))).AssertErrorAsync(400, "AccountProvisioningStateInvalid");

        Assert.Equal($"Call to Microsoft.CognitiveServices/accounts failed. Error message: Account {AccountPath("acct-new")} in state Accepted", message);
    }

    [Fact]
    public async Task The_subnet_must_exist_in_the_endpoints_region_and_one_connection_is_required()
    {
        Emu.Reset(NetworkTestTenant.Scenario(VnetSeed("vnet-west", "westeurope")), c => c with { LroPolls = 0 });

        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), EndpointBody(subnet: "ghost"))).AssertErrorAsync(400, "InvalidResourceReference");
        var west = EndpointBody();
        west["properties"]!["subnet"]!["id"] = Subnet("snet-pe", "vnet-west");
        var message = await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), west)).AssertErrorAsync(400, "InvalidResourceReference");
        Assert.Contains("same region", message);
        var none = EndpointBody();
        none["properties"]!.AsObject().Remove("privateLinkServiceConnections");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), none)).AssertErrorAsync(400, "InvalidPrivateLinkServiceConnectionCount");
        var noLocation = EndpointBody();
        noLocation.Remove("location");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), noLocation)).AssertErrorAsync(400, "LocationRequired");
    }

    [Fact]
    public async Task The_PrivateEndpointCreate_example_is_answered_in_the_examples_shape_with_its_static_address()
    {
        var example = Example("Microsoft.Network", NetworkVersion, "PrivateEndpointCreate.json");
        var body = example["parameters"]!["parameters"]!.DeepClone();
        body["location"] = "eastus";
        body["properties"]!["subnet"]!["id"] = Subnet("snet-pe");
        var connection = body["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!;
        connection["privateLinkServiceId"] = AccountPath("acct-a");
        connection["groupIds"] = new JsonArray("account");
        var ipConfiguration = body["properties"]!["ipConfigurations"]![0]!["properties"]!;
        (ipConfiguration["groupId"], ipConfiguration["memberName"], ipConfiguration["privateIPAddress"]) = ("account", "default", "10.0.1.6");

        var created = await Emu.PutAsync(Net(Endpoint("testPe")), body, 201);
        var replaced = await Emu.PutAsync(Net(Endpoint("testPe")), body, 200);

        AssertShape(example["responses"]!["201"]!["body"]!, created);
        AssertShape(example["responses"]!["200"]!["body"]!, replaced);
        Assert.Equal(Network("/networkInterfaces/testPeNic"), (string?)created["properties"]!["networkInterfaces"]![0]!["id"]);
        Assert.Equal("10.0.1.6", (string?)created["properties"]!["customDnsConfigs"]![0]!["ipAddresses"]![0]);
        Assert.Equal("Please approve my connection.", (string?)created["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["requestMessage"]);
        Assert.Equal("testPeNic", (string?)created["properties"]!["customNetworkInterfaceName"]);
        Assert.Equal("IPv4", (string?)created["properties"]!["ipVersionType"]);
        Assert.True(JsonNode.DeepEquals(body["properties"]!["ipConfigurations"], replaced["properties"]!["ipConfigurations"]));
        Assert.Single((await ConnectionsAsync("acct-a")).AsArray()); // the replace made no second connection
    }

    [Theory]
    [InlineData("10.0.1.2", "PrivateIPAddressInReservedRange")]
    [InlineData("10.0.1.255", "PrivateIPAddressInReservedRange")]
    [InlineData("10.0.2.10", "PrivateIPAddressNotInSubnet")]
    [InlineData("10.0.1.4", "PrivateIPAddressIsAllocated")]
    public async Task A_static_address_must_be_a_free_usable_address_of_the_subnet(string address, string code)
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201); // takes 10.0.1.4
        var body = EndpointBody();
        body["properties"]!["ipConfigurations"] = JsonNode.Parse($$$"""[{"name":"static","properties":{"groupId":"account","memberName":"default","privateIPAddress":"{{{address}}}"}}]""");

        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe2")), body)).AssertErrorAsync(400, code);
    }

    [Fact]
    public async Task A_full_subnet_is_refused()
    {
        await Emu.PutAsync(Net(Subnet("tiny")), JsonNode.Parse("""{"properties":{"addressPrefix":"10.0.9.0/29"}}""")!, 201);
        foreach (var (name, address) in new[] { ("pe1", "10.0.9.4"), ("pe2", "10.0.9.5"), ("pe3", "10.0.9.6") })
        {
            var pe = await Emu.PutAsync(Net(Endpoint(name)), EndpointBody(subnet: "tiny"), 201);
            Assert.Equal(address, (string?)pe["properties"]!["customDnsConfigs"]![0]!["ipAddresses"]![0]);
        }

        var message = await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe4")), EndpointBody(subnet: "tiny"))).AssertErrorAsync(400, "SubnetIsFull");

        Assert.Equal("Subnet tiny with address prefix 10.0.9.0/29 does not have enough capacity for 1 IP addresses.", message);
    }

    [Fact]
    public async Task The_subnet_lists_its_endpoints_and_cannot_go_or_be_renumbered_while_they_are_there()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        var subnet = await Emu.GetJsonAsync(Net(Subnet("snet-pe")));
        Assert.Equal(Endpoint("pe1"), (string?)subnet["properties"]!["privateEndpoints"]![0]!["id"]);
        Assert.StartsWith(Network("/networkInterfaces/pe1.nic."), (string?)subnet["properties"]!["ipConfigurations"]![0]!["id"]);
        var vnetView = (await Emu.GetJsonAsync(Net(Vnet())))["properties"]!["subnets"]![0]!;
        Assert.True(JsonNode.DeepEquals(subnet, vnetView));

        var message = await (await Emu.Http.DeleteAsync(Net(Subnet("snet-pe")))).AssertErrorAsync(400, "InUseSubnetCannotBeDeleted");
        Assert.StartsWith("Subnet snet-pe is in use by /subscriptions/", message);
        await (await Emu.SendAsync(HttpMethod.Put, Net(Subnet("snet-pe")), JsonNode.Parse("""{"properties":{"addressPrefix":"10.0.4.0/24"}}""")))
            .AssertErrorAsync(400, "InUseSubnetCannotBeUpdated");
        var vnet = (JsonObject)Emu.State.GetResource(Vnet())!.DeepClone();
        vnet["properties"]!["subnets"]!.AsArray().RemoveAt(0);
        await (await Emu.SendAsync(HttpMethod.Put, Net(Vnet()), vnet)).AssertErrorAsync(400, "InUseSubnetCannotBeDeleted");
        await (await Emu.Http.DeleteAsync(Net(Vnet()))).AssertErrorAsync(400, "InUseSubnetCannotBeDeleted");
    }

    [Fact]
    public async Task An_endpoint_cannot_move_to_another_subnet_or_target()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), EndpointBody(subnet: "snet-app"))).AssertErrorAsync(400, "PropertyChangeNotAllowed");
        await (await Emu.SendAsync(HttpMethod.Put, Net(Endpoint("pe1")), EndpointBody("acct-b"))).AssertErrorAsync(400, "PropertyChangeNotAllowed");
    }

    [Fact]
    public async Task Lists_by_resource_group_and_subscription()
    {
        await Emu.PutAsync(Net(Endpoint("pe1")), EndpointBody(), 201);

        Assert.Equal(["pe1"], Names((await Emu.GetJsonAsync(Net(Network("/privateEndpoints"))))["value"]));
        Assert.Equal(["pe1"], Names((await Emu.GetJsonAsync(Net($"/subscriptions/{Subscription}/providers/Microsoft.Network/privateEndpoints")))["value"]));
    }

    [Fact]
    public async Task A_seeded_endpoint_gets_its_address_and_its_connection_on_the_account()
    {
        var seeded = EndpointBody();
        seeded["type"] = "Microsoft.Network/privateEndpoints";
        seeded["name"] = "pe-seeded";
        Emu.Reset(NetworkTestTenant.Scenario(seeded), c => c with { LroPolls = 0 });

        var pe = await Emu.GetJsonAsync(Net(Endpoint("pe-seeded")));

        Assert.Equal("10.0.1.4", (string?)pe["properties"]!["customDnsConfigs"]![0]!["ipAddresses"]![0]);
        Assert.Equal(Endpoint("pe-seeded"), (string?)(await ConnectionsAsync("acct-a"))[0]!["properties"]!["privateEndpoint"]!["id"]);
    }

    [Fact]
    public async Task Connections_seeded_inline_in_an_account_are_served_as_connection_resources()
    {
        var account = Account("acct-seeded");
        account["properties"]!["privateEndpointConnections"] = JsonNode.Parse("""
            [ { "name": "legacy", "properties": { "privateEndpoint": { "id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/privateEndpoints/old" },
                "privateLinkServiceConnectionState": { "status": "Rejected", "description": "no", "actionsRequired": "None" } } } ]
            """);
        Emu.Reset(NetworkTestTenant.Scenario(account), c => c with { LroPolls = 0 });

        var single = await Emu.GetJsonAsync(Api($"{AccountPath("acct-seeded")}/privateEndpointConnections/legacy"));
        var inline = (await Emu.GetJsonAsync(Api(AccountPath("acct-seeded"))))["properties"]!["privateEndpointConnections"]![0]!;

        Assert.Equal("Rejected", (string?)single["properties"]!["privateLinkServiceConnectionState"]!["status"]);
        Assert.True(JsonNode.DeepEquals(single, inline));
    }
}
