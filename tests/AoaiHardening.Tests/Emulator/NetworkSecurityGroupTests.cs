using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.NetworkTestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>networkSecurityGroups and securityRules: NRP's rule validation, default rules, inline/child consistency.</summary>
public sealed class NetworkSecurityGroupTests(EmulatorFixture emu)
    : EmulatorTest(emu, NetworkTestTenant.Scenario(), c => c with { LroPolls = 0 })
{
    private static JsonObject Rule(int priority = 200, string direction = "Inbound", string access = "Allow", string protocol = "Tcp") => new()
    {
        ["properties"] = new JsonObject
        {
            ["protocol"] = protocol,
            ["sourcePortRange"] = "*",
            ["destinationPortRange"] = "443",
            ["sourceAddressPrefix"] = "VirtualNetwork",
            ["destinationAddressPrefix"] = "10.0.1.0/24",
            ["access"] = access,
            ["priority"] = priority,
            ["direction"] = direction,
        },
    };

    private static string RulePath(string name, string nsg = "nsg1") => Net($"{Nsg(nsg)}/securityRules/{name}");

    [Fact]
    public async Task The_NetworkSecurityGroupRuleCreate_example_is_answered_in_the_examples_shape()
    {
        var example = Example("Microsoft.Network", NetworkVersion, "NetworkSecurityGroupRuleCreate.json");
        await Emu.PutAsync(Net(Nsg("testnsg")), JsonNode.Parse("""{"location":"eastus"}""")!, 201);
        var body = example["parameters"]!["securityRuleParameters"]!;

        var created = await Emu.PutAsync(RulePath("rule1", "testnsg"), body, 201);
        var replaced = await Emu.PutAsync(RulePath("rule1", "testnsg"), body, 200);

        AssertShape(example["responses"]!["201"]!["body"]!, created);
        AssertShape(example["responses"]!["200"]!["body"]!, replaced);
        Assert.Equal("rule1", (string?)created["name"]);
        Assert.Equal($"{Nsg("testnsg")}/securityRules/rule1", (string?)created["id"]);
        foreach (var (key, value) in body["properties"]!.AsObject())
            Assert.True(JsonNode.DeepEquals(value, created["properties"]![key]), key);
    }

    [Fact]
    public async Task Every_group_has_the_six_default_rules_read_only()
    {
        var forged = JsonNode.Parse("""{"location":"eastus","properties":{"defaultSecurityRules":[{"name":"AllowAll","properties":{}}]}}""")!;
        var nsg = await Emu.PutAsync(Net(Nsg("nsg2")), forged, 201);

        var defaults = nsg["properties"]!["defaultSecurityRules"]!.AsArray();
        Assert.Equal(
            ["AllowVnetInBound:65000:Inbound:Allow", "AllowAzureLoadBalancerInBound:65001:Inbound:Allow", "DenyAllInBound:65500:Inbound:Deny",
             "AllowVnetOutBound:65000:Outbound:Allow", "AllowInternetOutBound:65001:Outbound:Allow", "DenyAllOutBound:65500:Outbound:Deny"],
            defaults.Select(r => $"{r!["name"]}:{r["properties"]!["priority"]}:{r["properties"]!["direction"]}:{r["properties"]!["access"]}"));
        Assert.Equal("Internet", (string?)defaults[4]!["properties"]!["destinationAddressPrefix"]);
        Assert.Equal($"{Nsg("nsg2")}/defaultSecurityRules/DenyAllInBound", (string?)defaults[2]!["id"]);
        Assert.Empty(nsg["properties"]!["securityRules"]!.AsArray());

        var one = await Emu.GetJsonAsync(Net($"{Nsg("nsg2")}/defaultSecurityRules/DenyAllOutBound"));
        Assert.Equal("Microsoft.Network/networkSecurityGroups/defaultSecurityRules", (string?)one["type"]);
        Assert.Equal(6, (await Emu.GetJsonAsync(Net($"{Nsg("nsg2")}/defaultSecurityRules")))["value"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(4097)]
    [InlineData(65000)]
    public async Task Priority_must_be_100_to_4096(int priority)
    {
        var message = await (await Emu.SendAsync(HttpMethod.Put, RulePath("r"), Rule(priority))).AssertErrorAsync(400, "SecurityRuleInvalidPriority");

        Assert.Equal($"Security rule has invalid Priority. Value provided: {priority} Allowed range 100-4096.", message);
        Assert.Null(Emu.State.GetResource($"{Nsg()}/securityRules/r"));
    }

    [Fact]
    public async Task The_bounds_100_and_4096_are_accepted()
    {
        await Emu.PutAsync(RulePath("low"), Rule(100), 201);
        await Emu.PutAsync(RulePath("high"), Rule(4096), 201);
    }

    [Fact]
    public async Task Two_rules_with_the_same_priority_and_direction_conflict_other_directions_do_not()
    {
        await Emu.PutAsync(RulePath("first"), Rule(300, "Inbound"), 201);
        await Emu.PutAsync(RulePath("outbound"), Rule(300, "Outbound"), 201);
        await Emu.PutAsync(RulePath("first"), Rule(300, "inbound", access: "Deny"), 200); // itself is no conflict

        var message = await (await Emu.SendAsync(HttpMethod.Put, RulePath("second"), Rule(300, "Inbound"))).AssertErrorAsync(400, "SecurityRuleConflict");

        Assert.Equal("Security rule first conflicts with rule second. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.", message);
    }

    [Fact]
    public async Task Inline_rules_are_checked_together_and_become_child_rules()
    {
        JsonObject Group(params (string Name, JsonObject Rule)[] rules) => new()
        {
            ["location"] = "eastus",
            ["properties"] = new JsonObject
            {
                ["securityRules"] = new JsonArray([.. rules.Select(r => { r.Rule["name"] = r.Name; return (JsonNode)r.Rule; })]),
            },
        };

        await (await Emu.SendAsync(HttpMethod.Put, Net(Nsg("nsg2")), Group(("a", Rule(100)), ("b", Rule(100)))))
            .AssertErrorAsync(400, "SecurityRuleConflict");
        Assert.Null(Emu.State.GetResource(Nsg("nsg2")));

        var nsg = await Emu.PutAsync(Net(Nsg("nsg2")), Group(("a", Rule(100)), ("b", Rule(110))), 201);
        var rules = await Emu.GetJsonAsync(Net($"{Nsg("nsg2")}/securityRules"));

        Assert.Equal(["a", "b"], Names(nsg["properties"]!["securityRules"]));
        Assert.True(JsonNode.DeepEquals(nsg["properties"]!["securityRules"], rules["value"]));
        Assert.Equal(2, Emu.State.GetResources("Microsoft.Network/networkSecurityGroups/securityRules").Count);
    }

    [Theory]
    [InlineData("protocol", "Foo", "InvalidRequestFormat")]
    [InlineData("access", "Maybe", "InvalidRequestFormat")]
    [InlineData("direction", "Sideways", "InvalidRequestFormat")]
    [InlineData("destinationPortRange", "70000", "SecurityRuleInvalidPortRange")]
    [InlineData("destinationPortRange", "443-80", "SecurityRuleInvalidPortRange")]
    [InlineData("sourceAddressPrefix", "10.0.0.300", "SecurityRuleInvalidAddressPrefix")]
    [InlineData("access", null, "SecurityRuleParameterMissing")]
    [InlineData("direction", null, "SecurityRuleParameterMissing")]
    [InlineData("protocol", null, "SecurityRuleParameterMissing")]
    [InlineData("priority", null, "SecurityRuleParameterMissing")]
    [InlineData("destinationAddressPrefix", null, "SecurityRuleParameterMissing")]
    public async Task Rule_fields_are_required_and_validated(string property, string? value, string code)
    {
        var rule = Rule();
        if (value is null)
            rule["properties"]!.AsObject().Remove(property);
        else
            rule["properties"]![property] = value;

        await (await Emu.SendAsync(HttpMethod.Put, RulePath("r"), rule)).AssertErrorAsync(400, code);
    }

    [Theory]
    [InlineData("Udp")]
    [InlineData("icmp")]
    [InlineData("Esp")]
    [InlineData("Ah")]
    [InlineData("*")]
    public async Task Every_protocol_ARM_knows_is_accepted(string protocol)
    {
        await Emu.PutAsync(RulePath("r"), Rule(protocol: protocol), 201);
    }

    [Fact]
    public async Task Deleting_a_rule_takes_it_out_of_the_group()
    {
        await Emu.PutAsync(RulePath("r"), Rule(), 201);

        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(RulePath("r"))).StatusCode);

        Assert.Empty((await Emu.GetJsonAsync(Net(Nsg())))["properties"]!["securityRules"]!.AsArray());
        await (await Emu.Http.GetAsync(RulePath("r"))).AssertErrorAsync(404, "NotFound");
        Assert.Equal(204, (int)(await Emu.Http.DeleteAsync(RulePath("r"))).StatusCode);
    }

    [Fact]
    public async Task A_group_without_subnets_deletes()
    {
        Assert.Equal(202, (int)(await Emu.Http.DeleteAsync(Net(Nsg()))).StatusCode);
        await (await Emu.Http.GetAsync(Net(Nsg()))).AssertErrorAsync(404, "ResourceNotFound");
    }

    [Fact]
    public async Task Seeded_inline_rules_are_served_as_child_rules()
    {
        var seeded = NsgSeed();
        seeded["name"] = "nsg-seeded";
        var rule = Rule(150);
        rule["name"] = "allow-https";
        seeded["properties"]!["securityRules"] = new JsonArray(rule);
        Emu.Reset(NetworkTestTenant.Scenario(seeded), c => c with { LroPolls = 0 });

        var child = await Emu.GetJsonAsync(Net($"{Nsg("nsg-seeded")}/securityRules/allow-https"));
        var nsg = await Emu.GetJsonAsync(Net(Nsg("nsg-seeded")));

        Assert.Equal(150, (int)child["properties"]!["priority"]!);
        Assert.True(JsonNode.DeepEquals(child, nsg["properties"]!["securityRules"]![0]));
    }
}
