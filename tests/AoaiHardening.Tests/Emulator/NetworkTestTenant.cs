using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>
/// The network tests' tenant: <see cref="TestTenant"/> (rg-test, eastus) with accounts of three kinds, one without a
/// custom subdomain, and virtual network vnet1 (10.0.0.0/16: snet-pe 10.0.1.0/24, snet-app 10.0.2.0/24) and NSG nsg1.
/// </summary>
public static class NetworkTestTenant
{
    public const string NetworkVersion = "2025-07-01";
    public const string DnsVersion = "2024-06-01";

    public static string Network(string path = "") => $"{GroupPath()}/providers/Microsoft.Network{path}";

    public static string Vnet(string name = "vnet1") => Network($"/virtualNetworks/{name}");

    public static string Subnet(string name, string vnet = "vnet1") => $"{Vnet(vnet)}/subnets/{name}";

    public static string Nsg(string name = "nsg1") => Network($"/networkSecurityGroups/{name}");

    public static string Endpoint(string name) => Network($"/privateEndpoints/{name}");

    public static string Zone(string name) => Network($"/privateDnsZones/{name}");

    /// <summary>With the Network api-version.</summary>
    public static string Net(string path) => $"{path}?api-version={NetworkVersion}";

    /// <summary>With the Private DNS api-version.</summary>
    public static string Dns(string path) => $"{path}?api-version={DnsVersion}";

    public static JsonObject VnetSeed(string name = "vnet1", string location = "eastus") => (JsonObject)JsonNode.Parse($$"""
        { "type": "Microsoft.Network/virtualNetworks", "name": "{{name}}", "location": "{{location}}",
          "properties": { "addressSpace": { "addressPrefixes": [ "10.0.0.0/16" ] },
            "subnets": [ { "name": "snet-pe", "properties": { "addressPrefix": "10.0.1.0/24" } },
                         { "name": "snet-app", "properties": { "addressPrefix": "10.0.2.0/24" } } ] } }
        """)!;

    public static JsonObject NsgSeed() => (JsonObject)JsonNode.Parse("""
        { "type": "Microsoft.Network/networkSecurityGroups", "name": "nsg1", "location": "eastus", "properties": {} }
        """)!;

    public static string Scenario(params JsonObject[] extra) => TestTenant.Scenario(
    [
        Account("acct-a"),
        Account("acct-b", "AIServices"),
        Account("acct-lang", "TextAnalytics"),
        Account("acct-nosub", properties: new JsonObject { ["publicNetworkAccess"] = "Enabled" }),
        VnetSeed(),
        NsgSeed(),
        .. extra,
    ]);

    /// <summary>A private endpoint body to <paramref name="account"/> in <paramref name="subnet"/>.</summary>
    public static JsonObject EndpointBody(string account = "acct-a", string subnet = "snet-pe", string group = "account", bool manual = false, string location = "eastus") => new()
    {
        ["location"] = location,
        ["properties"] = new JsonObject
        {
            ["subnet"] = new JsonObject { ["id"] = Subnet(subnet) },
            [manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections"] = new JsonArray(new JsonObject
            {
                ["name"] = "conn",
                ["properties"] = new JsonObject
                {
                    ["privateLinkServiceId"] = AccountPath(account),
                    ["groupIds"] = new JsonArray(group),
                    ["requestMessage"] = "please approve",
                },
            }),
        },
    };

    public static JsonObject ZoneGroupBody(params string[] zones) => new()
    {
        ["properties"] = new JsonObject
        {
            ["privateDnsZoneConfigs"] = new JsonArray([.. zones.Select(z => (JsonNode)new JsonObject
            {
                ["name"] = z.Replace('.', '-'),
                ["properties"] = new JsonObject { ["privateDnsZoneId"] = Zone(z) },
            })]),
        },
    };

    /// <summary>An official example (arm-examples/{provider}/{version}/{file}).</summary>
    public static JsonNode Example(string provider, string version, string file)
    {
        var dir = typeof(NetworkTestTenant).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ArmExamplesDir").Value!;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, provider, version, file)))!;
    }

    /// <summary>
    /// Every property path of a JSON value ("properties.recordSets[].fqdn"…), into objects and array items, except the
    /// free-form tags and metadata. An example's paths must all be in the emulator's answer: that is "the example's shape".
    /// </summary>
    public static IEnumerable<string> PathsOf(JsonNode? node, string prefix = "") => node switch
    {
        JsonObject obj => obj.SelectMany(p => (p.Key is "tags" or "metadata" ? [] : PathsOf(p.Value, prefix + p.Key + ".")).Prepend(prefix + p.Key)),
        JsonArray array => array.SelectMany(item => PathsOf(item, prefix.TrimEnd('.') + "[].")),
        _ => [],
    };

    public static void AssertShape(JsonNode example, JsonNode actual) =>
        Assert.Empty(PathsOf(example).Distinct().Except(PathsOf(actual)));

    /// <summary>PUT and read the answer, asserting the status.</summary>
    public static async Task<JsonNode> PutAsync(this EmulatorFixture emu, string pathAndQuery, JsonNode body, int expected)
    {
        var response = await emu.SendAsync(HttpMethod.Put, pathAndQuery, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"PUT {pathAndQuery}: expected {expected}, got {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> GetJsonAsync(this EmulatorFixture emu, string pathAndQuery)
    {
        var response = await emu.Http.GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    public static string[] Names(JsonNode? array) => [.. array!.AsArray().Select(x => (string)x!["name"]!)];
}
