using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.NetworkTestTenant;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Microsoft.Network/privateDnsZones: zones, links and record sets, with their LROs and concurrency headers.</summary>
public sealed class PrivateDnsTests(EmulatorFixture emu)
    : EmulatorTest(emu, NetworkTestTenant.Scenario(), c => c with { LroPolls = 0 })
{
    private static readonly JsonNode GlobalZone = JsonNode.Parse("""{"location":"global"}""")!;

    private static JsonObject LinkBody(string vnet = "vnet1", bool registration = false) => new()
    {
        ["location"] = "Global",
        ["properties"] = new JsonObject { ["virtualNetwork"] = new JsonObject { ["id"] = Vnet(vnet) }, ["registrationEnabled"] = registration },
    };

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, string header, string value)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation(header, value);
        return Emu.Http.SendAsync(request);
    }

    [Fact]
    public async Task The_PrivateZonePut_example_is_answered_in_the_examples_shape_with_both_LRO_URLs()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1, RetryAfterSeconds = 3 };
        var example = Example("Microsoft.Network.PrivateDns", DnsVersion, "PrivateZonePut.json");

        var response = await Emu.SendAsync(HttpMethod.Put, Dns(Zone("privatezone1.com")), example["parameters"]!["parameters"]);

        Assert.Equal(201, (int)response.StatusCode);
        var zone = await response.JsonAsync();
        AssertShape(example["responses"]!["201"]!["body"]!, zone);
        Assert.Equal("global", (string?)zone["location"]);
        Assert.Equal("Microsoft.Network/privateDnsZones", (string?)zone["type"]);
        Assert.Equal("Creating", (string?)zone["properties"]!["provisioningState"]);
        Assert.Equal(1, (int)zone["properties"]!["numberOfRecordSets"]!);
        Assert.Equal(0, (int)zone["properties"]!["numberOfVirtualNetworkLinks"]!);
        Assert.Matches("^[0-9a-f-]{36}$", (string?)zone["etag"]);
        Assert.Equal("value1", (string?)zone["tags"]!["key1"]);
        Assert.Equal("3", response.Header("Retry-After"));
        var status = new Uri(response.Header("Azure-AsyncOperation")!);
        var result = new Uri(response.Header("Location")!);
        Assert.Matches($"^{GroupPath()}/providers/Microsoft.Network/privateDnsOperationStatuses/[0-9a-f-]{{36}}$", status.AbsolutePath);
        Assert.Matches($"^{GroupPath()}/providers/Microsoft.Network/privateDnsOperationResults/[0-9a-f-]{{36}}$", result.AbsolutePath);
        Assert.Equal($"?api-version={DnsVersion}", status.Query);

        Assert.Equal("""{"status":"Succeeded"}""", (await Emu.GetJsonAsync(status.PathAndQuery)).ToJsonString());
        var final = await Emu.Http.GetAsync(result.PathAndQuery);
        Assert.Equal(200, (int)final.StatusCode);
        Assert.Equal("Succeeded", (string?)(await final.JsonAsync())["properties"]!["provisioningState"]);
        AssertShape(example["responses"]!["200"]!["body"]!, await Emu.PutAsync(Dns(Zone("privatezone1.com")), example["parameters"]!["parameters"]!, 200));
    }

    [Theory]
    [InlineData("""{"location":"eastus"}""", "privatelink.openai.azure.com", "LocationNotAvailableForResourceType")]
    [InlineData("""{}""", "privatelink.openai.azure.com", "LocationRequired")]
    [InlineData("""{"location":"global"}""", "single-label", "BadRequest")]
    [InlineData("""{"location":"global"}""", "bad..name.com", "BadRequest")]
    [InlineData("""{"location":"global"}""", "-bad.name.com", "BadRequest")]
    public async Task A_zone_lives_in_global_and_has_a_DNS_name(string body, string zone, string code)
    {
        var message = await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone(zone)), JsonNode.Parse(body))).AssertErrorAsync(400, code);

        if (code == "LocationNotAvailableForResourceType")
            Assert.Equal("The provided location 'eastus' is not available for resource type 'Microsoft.Network/privateDnsZones'. List of available regions for the resource type is 'global'.", message);
        Assert.Null(Emu.State.GetResource(Zone(zone)));
    }

    [Fact]
    public async Task If_None_Match_star_creates_once_then_is_412()
    {
        var created = await SendAsync(HttpMethod.Put, Dns(Zone("z.example.com")), GlobalZone, "If-None-Match", "*");
        Assert.Equal(201, (int)created.StatusCode);

        var again = await SendAsync(HttpMethod.Put, Dns(Zone("z.example.com")), GlobalZone, "If-None-Match", "*");

        Assert.Contains("exists already", await again.AssertErrorAsync(412, "PreconditionFailed"));
    }

    [Fact]
    public async Task If_Match_must_name_the_current_etag()
    {
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);
        var get = await Emu.Http.GetAsync(Dns(Zone("z.example.com")));
        var etag = get.Header("ETag")!;
        Assert.Equal((string?)(await get.JsonAsync())["etag"], etag);
        var tagged = JsonNode.Parse("""{"location":"global","tags":{"a":"1"}}""");

        await (await SendAsync(HttpMethod.Put, Dns(Zone("z.example.com")), tagged, "If-Match", $"\"{Guid.NewGuid()}\"")).AssertErrorAsync(412, "PreconditionFailed");
        await (await SendAsync(HttpMethod.Patch, Dns(Zone("z.example.com")), tagged, "If-Match", Guid.NewGuid().ToString())).AssertErrorAsync(412, "PreconditionFailed");
        await (await SendAsync(HttpMethod.Delete, Dns(Zone("z.example.com")), null, "If-Match", Guid.NewGuid().ToString())).AssertErrorAsync(412, "PreconditionFailed");
        await (await SendAsync(HttpMethod.Put, Dns(Zone("new.example.com")), GlobalZone, "If-Match", "*")).AssertErrorAsync(412, "PreconditionFailed");
        Assert.Null((await Emu.GetJsonAsync(Dns(Zone("z.example.com"))))["tags"]);

        var updated = await SendAsync(HttpMethod.Put, Dns(Zone("z.example.com")), tagged, "If-Match", $"\"{etag}\"");
        Assert.Equal(200, (int)updated.StatusCode);
        Assert.NotEqual(etag, (string?)(await updated.JsonAsync())["etag"]);
        var patched = await SendAsync(HttpMethod.Patch, Dns(Zone("z.example.com")), JsonNode.Parse("""{"tags":{"b":"2"}}"""), "If-Match", "*");
        Assert.Equal(200, (int)patched.StatusCode);
        Assert.Equal("""{"a":"1","b":"2"}""", (await patched.JsonAsync())["tags"]!.ToJsonString());
    }

    [Fact]
    public async Task The_RecordSetAPut_example_is_answered_with_the_name_lower_cased()
    {
        var example = Example("Microsoft.Network.PrivateDns", DnsVersion, "RecordSetAPut.json");
        await Emu.PutAsync(Dns(Zone("privatezone1.com")), GlobalZone, 201);

        var response = await Emu.SendAsync(HttpMethod.Put, Dns(Zone("privatezone1.com") + "/A/recordA"), example["parameters"]!["parameters"]);
        var created = await response.JsonAsync();
        var replaced = await Emu.PutAsync(Dns(Zone("privatezone1.com") + "/a/RECORDA"), example["parameters"]!["parameters"]!, 200);

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal((string?)created["etag"], response.Header("ETag"));
        AssertShape(example["responses"]!["201"]!["body"]!, created);
        AssertShape(example["responses"]!["200"]!["body"]!, replaced);
        var expected = example["responses"]!["201"]!["body"]!;
        foreach (var field in new[] { "name", "type" })
            Assert.Equal((string?)expected[field], (string?)created[field]);
        Assert.Equal(Zone("privatezone1.com") + "/A/recorda", (string?)created["id"]);
        Assert.True(JsonNode.DeepEquals(expected["properties"], created["properties"]));

        var all = await Emu.GetJsonAsync(Dns(Zone("privatezone1.com") + "/ALL"));
        var a = await Emu.GetJsonAsync(Dns(Zone("privatezone1.com") + "/A"));
        Assert.Equal(["@", "recorda"], Names(all["value"]));
        Assert.Equal(["recorda"], Names(a["value"]));
        Assert.Equal(2, (int)(await Emu.GetJsonAsync(Dns(Zone("privatezone1.com"))))["properties"]!["numberOfRecordSets"]!);
    }

    [Fact]
    public async Task Record_sets_honour_If_Match_and_If_None_Match_and_validate_addresses()
    {
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);
        var record = JsonNode.Parse("""{"properties":{"ttl":60,"aRecords":[{"ipv4Address":"10.0.0.9"}]}}""")!;
        var created = await Emu.PutAsync(Dns(Zone("z.example.com") + "/A/www"), record, 201);

        await (await SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/A/www"), record, "If-None-Match", "*")).AssertErrorAsync(412, "PreconditionFailed");
        await (await SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/A/www"), record, "If-Match", "\"stale\"")).AssertErrorAsync(412, "PreconditionFailed");
        await (await SendAsync(HttpMethod.Delete, Dns(Zone("z.example.com") + "/A/www"), null, "If-Match", "stale")).AssertErrorAsync(412, "PreconditionFailed");
        var bad = JsonNode.Parse("""{"properties":{"ttl":60,"aRecords":[{"ipv4Address":"10.0.0.256"}]}}""");
        await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/A/bad"), bad)).AssertErrorAsync(400, "BadRequest");

        var patched = await SendAsync(HttpMethod.Patch, Dns(Zone("z.example.com") + "/A/www"), JsonNode.Parse("""{"properties":{"ttl":300}}"""), "If-Match", (string)created["etag"]!);
        Assert.Equal(200, (int)patched.StatusCode);
        var after = await patched.JsonAsync();
        Assert.Equal(300, (int)after["properties"]!["ttl"]!);
        Assert.Equal("10.0.0.9", (string?)after["properties"]!["aRecords"]![0]!["ipv4Address"]);

        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(Dns(Zone("z.example.com") + "/A/www"))).StatusCode);
        await (await Emu.Http.GetAsync(Dns(Zone("z.example.com") + "/A/www"))).AssertErrorAsync(404, "NotFound");
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(Dns(Zone("z.example.com") + "/A/www"))).StatusCode);
        await (await Emu.Http.DeleteAsync(Dns(Zone("z.example.com") + "/SOA/@"))).AssertErrorAsync(400, "BadRequest");
        await (await Emu.Http.GetAsync(Dns(Zone("z.example.com") + "/BOGUS"))).AssertErrorAsync(400, "InvalidResourceType");
    }

    [Fact]
    public async Task The_VirtualNetworkLinkPut_example_is_answered_in_the_examples_shape()
    {
        var example = Example("Microsoft.Network.PrivateDns", DnsVersion, "VirtualNetworkLinkPut.json");
        await Emu.PutAsync(Dns(Zone("privatezone1.com")), GlobalZone, 201);
        var body = example["parameters"]!["parameters"]!.DeepClone();
        body["properties"]!["virtualNetwork"]!["id"] = Vnet();

        var created = await Emu.PutAsync(Dns(Zone("privatezone1.com") + "/virtualNetworkLinks/virtualNetworkLink1"), body, 201);
        var replaced = await Emu.PutAsync(Dns(Zone("privatezone1.com") + "/virtualNetworkLinks/virtualNetworkLink1"), body, 200);

        AssertShape(example["responses"]!["201"]!["body"]!, created);
        AssertShape(example["responses"]!["200"]!["body"]!, replaced);
        Assert.Equal("virtualNetworkLink1", (string?)created["name"]);
        Assert.Equal("Microsoft.Network/privateDnsZones/virtualNetworkLinks", (string?)created["type"]);
        Assert.Equal("global", (string?)created["location"]);
        Assert.Equal("Completed", (string?)created["properties"]!["virtualNetworkLinkState"]);
        Assert.Equal("Default", (string?)created["properties"]!["resolutionPolicy"]);
        Assert.False((bool)created["properties"]!["registrationEnabled"]!);
        var zone = await Emu.GetJsonAsync(Dns(Zone("privatezone1.com")));
        Assert.Equal(1, (int)zone["properties"]!["numberOfVirtualNetworkLinks"]!);
        Assert.Equal(0, (int)zone["properties"]!["numberOfVirtualNetworkLinksWithRegistration"]!);
    }

    [Fact]
    public async Task A_link_shows_InProgress_until_its_operation_completes()
    {
        Emu.State.Config = Emu.State.Config with { LroPolls = 1 };
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);

        var response = await Emu.SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), LinkBody());

        Assert.Equal("InProgress", (string?)(await response.JsonAsync())["properties"]!["virtualNetworkLinkState"]);
        await Emu.Http.GetAsync(new Uri(response.Header("Azure-AsyncOperation")!).PathAndQuery);
        Assert.Equal("Completed", (string?)(await Emu.GetJsonAsync(Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1")))["properties"]!["virtualNetworkLinkState"]);
    }

    [Fact]
    public async Task A_second_link_from_a_zone_to_the_same_network_is_409_Conflict()
    {
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);
        await Emu.PutAsync(Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), LinkBody(), 201);

        var message = await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/virtualNetworkLinks/l2"), LinkBody())).AssertErrorAsync(409, "Conflict");

        Assert.Equal($"Private zone 'z.example.com' is already linked to the virtual network '{Vnet()}'.", message);
        Assert.Null(Emu.State.GetResource(Zone("z.example.com") + "/virtualNetworkLinks/l2"));
    }

    [Fact]
    public async Task A_network_cannot_link_zones_with_overlapping_names_nor_two_registration_zones()
    {
        foreach (var zone in new[] { "example.com", "z.example.com", "other.net" })
            await Emu.PutAsync(Dns(Zone(zone)), GlobalZone, 201);
        await Emu.PutAsync(Dns(Zone("example.com") + "/virtualNetworkLinks/l1"), LinkBody(registration: true), 201);

        var message = await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), LinkBody())).AssertErrorAsync(400, "BadRequest");
        Assert.Contains("overlapping namespaces", message);
        await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone("other.net") + "/virtualNetworkLinks/l1"), LinkBody(registration: true))).AssertErrorAsync(409, "Conflict");
        await Emu.PutAsync(Dns(Zone("other.net") + "/virtualNetworkLinks/l1"), LinkBody(), 201);
        Assert.Equal(1, (int)(await Emu.GetJsonAsync(Dns(Zone("example.com"))))["properties"]!["numberOfVirtualNetworkLinksWithRegistration"]!);
    }

    [Theory]
    [InlineData("""{"location":"global","properties":{"virtualNetwork":{"id":"/subscriptions/7e57c0de-0000-4000-8000-000000000001/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/ghost"}}}""")]
    [InlineData("""{"location":"global","properties":{}}""")]
    [InlineData("""{"location":"global","properties":{"virtualNetwork":{"id":"/subscriptions/7e57c0de-0000-4000-8000-000000000001/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet1"},"resolutionPolicy":"Sometimes"}}""")]
    [InlineData("""{"location":"global","properties":{"virtualNetwork":{"id":"/subscriptions/7e57c0de-0000-4000-8000-000000000001/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet1"},"registrationEnabled":"yes"}}""")]
    public async Task A_link_needs_an_existing_network_and_valid_settings(string body)
    {
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);

        await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), JsonNode.Parse(body))).AssertErrorAsync(400, "BadRequest");
    }

    [Fact]
    public async Task A_link_accepts_NxDomainRedirect_and_its_network_cannot_change()
    {
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);
        var body = LinkBody();
        body["properties"]!["resolutionPolicy"] = "NxDomainRedirect";
        await Emu.PutAsync(Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), body, 201);
        await Emu.PutAsync(Net(Vnet("vnet2")), Emu.State.GetResource(Vnet())!.DeepClone(), 201);

        await (await Emu.SendAsync(HttpMethod.Put, Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), LinkBody("vnet2"))).AssertErrorAsync(400, "BadRequest");
        var patched = await Emu.SendAsync(HttpMethod.Patch, Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), JsonNode.Parse("""{"properties":{"registrationEnabled":true}}"""));

        Assert.Equal(200, (int)patched.StatusCode);
        var link = await patched.JsonAsync();
        Assert.Equal("NxDomainRedirect", (string?)link["properties"]!["resolutionPolicy"]);
        Assert.True((bool)link["properties"]!["registrationEnabled"]!);
    }

    [Fact]
    public async Task A_zone_with_links_cannot_be_deleted_without_them_it_goes_with_its_record_sets()
    {
        await Emu.PutAsync(Dns(Zone("z.example.com")), GlobalZone, 201);
        await Emu.PutAsync(Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"), LinkBody(), 201);
        await Emu.PutAsync(Dns(Zone("z.example.com") + "/A/www"), JsonNode.Parse("""{"properties":{"ttl":60,"aRecords":[]}}""")!, 201);

        await (await Emu.Http.DeleteAsync(Dns(Zone("z.example.com")))).AssertErrorAsync(400, "BadRequest");
        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Dns(Zone("z.example.com") + "/virtualNetworkLinks/l1"))).StatusCode);
        var delete = await Emu.Http.DeleteAsync(Dns(Zone("z.example.com")));

        Assert.Equal(202, (int)delete.StatusCode);
        Assert.NotNull(delete.Header("Location"));
        await (await Emu.Http.GetAsync(Dns(Zone("z.example.com")))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Empty(Emu.State.GetResources("Microsoft.Network/privateDnsZones/A"));
        Assert.Empty(Emu.State.GetResources("Microsoft.Network/privateDnsZones/SOA"));
    }

    [Fact]
    public async Task Zones_list_by_resource_group_and_subscription()
    {
        await Emu.PutAsync(Dns(Zone("a.example.com")), GlobalZone, 201);
        await Emu.PutAsync(Dns(Zone("b.example.com")), GlobalZone, 201);

        Assert.Equal(["a.example.com", "b.example.com"], Names((await Emu.GetJsonAsync(Dns(Network("/privateDnsZones"))))["value"]));
        Assert.Equal(["a.example.com"], Names((await Emu.GetJsonAsync(Dns($"/subscriptions/{Subscription}/providers/Microsoft.Network/privateDnsZones") + "&$top=1"))["value"]));
    }
}
