using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>AOAI-NET-007: approved private endpoints need a DNS zone group naming a zone listed for the cloud and kind.</summary>
    public class PrivateDnsRuleTests
    {
        private const string Network = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-net/providers/Microsoft.Network";
        private const string Endpoint = Network + "/privateEndpoints/pe-acct";
        private const string Subnet = Network + "/virtualNetworks/vnet/subnets/snet-pe";

        private static string Connection(string status, string endpoint = Endpoint) =>
            "{\"name\":\"pec-" + status + "\",\"properties\":{\"privateEndpoint\":{\"id\":\"" + endpoint + "\"},\"privateLinkServiceConnectionState\":{\"status\":\"" + status + "\"}}}";

        private static InputResource WithConnections(string endpointHost = "acct.openai.azure.com", string kind = "OpenAI", params string[] connections) =>
            Account($$"""{"endpoint":"https://{{endpointHost}}/","privateEndpointConnections":[{{string.Join(",", connections)}}]}""", kind);

        private static InputResource ZoneGroup(params string[] zones)
        {
            var id = Endpoint + "/privateDnsZoneGroups/default";
            var configs = new JsonArray(zones.Select(z => (JsonNode)new JsonObject
            {
                ["name"] = z.Replace('.', '-'),
                ["properties"] = new JsonObject { ["privateDnsZoneId"] = $"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{z}" },
            }).ToArray());
            var json = new JsonObject { ["id"] = id, ["name"] = "default", ["properties"] = new JsonObject { ["privateDnsZoneConfigs"] = configs } };
            return new InputResource(id, PrivateDnsRules.ZoneGroupsType, "default", json, null);
        }

        private static InputResource EndpointResource()
        {
            var json = JsonNode.Parse("{\"id\":\"" + Endpoint + "\",\"name\":\"pe-acct\",\"properties\":{\"subnet\":{\"id\":\"" + Subnet + "\"}}}")!.AsObject();
            return new InputResource(Endpoint, PrivateDnsRules.EndpointsType, "pe-acct", json, null);
        }

        [Theory]
        [InlineData("privatelink.openai.azure.com", AoaiFindingStatus.Pass)]
        [InlineData("privatelink.cognitiveservices.azure.com", AoaiFindingStatus.Pass)]
        [InlineData("privatelink.blob.core.windows.net", AoaiFindingStatus.Fail)]
        [InlineData("privatelink.openai.azure.us", AoaiFindingStatus.Fail)] // another cloud's zone does not resolve a public-cloud account
        public void Net007_judges_the_zone_against_the_clouds_list(string zone, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(WithConnections(connections: Connection("Approved")), "AOAI-NET-007", related: new[] { ZoneGroup(zone) }).Status);

        [Fact]
        public void Net007_services_ai_zone_counts_only_for_AIServices()
        {
            var zone = ZoneGroup("privatelink.services.ai.azure.com");
            Assert.Equal(AoaiFindingStatus.Pass, One(WithConnections("acct.cognitiveservices.azure.com", "AIServices", Connection("Approved")), "AOAI-NET-007", related: new[] { zone }).Status);
            Assert.Equal(AoaiFindingStatus.Fail, One(WithConnections(connections: Connection("Approved")), "AOAI-NET-007", related: new[] { zone }).Status);
        }

        [Fact]
        public void Net007_uses_the_us_government_zones_for_an_azure_us_endpoint()
        {
            var account = WithConnections("acct.openai.azure.us", "OpenAI", Connection("Approved"));
            Assert.Equal(AoaiFindingStatus.Pass, One(account, "AOAI-NET-007", related: new[] { ZoneGroup("privatelink.cognitiveservices.azure.us") }).Status);
            Assert.Equal(AoaiFindingStatus.Fail, One(account, "AOAI-NET-007", related: new[] { ZoneGroup("privatelink.openai.azure.com") }).Status);
        }

        [Fact]
        public void Net007_fails_an_approved_endpoint_without_a_zone_group_with_the_subnet_as_evidence_for_the_fix()
        {
            var finding = One(WithConnections(connections: Connection("Approved")), "AOAI-NET-007", related: new[] { EndpointResource(), OtherEndpointGroup() });
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Contains("no private DNS zone group", finding.Message);
            Assert.Equal(Subnet, finding.Evidence!["SubnetId"]);
            Assert.Equal(Endpoint, finding.Evidence["PrivateEndpointId"]);
            var fix = RuleCatalog.Find("AOAI-NET-007")!.Fix!;
            Assert.Equal("New-AoaiPrivateEndpoint", fix.Command);
            Assert.Equal(Subnet, fix.Bind(finding, RepairInputs.None).Parameters["SubnetId"]);
        }

        [Fact]
        public void Net007_is_not_applicable_without_an_approved_endpoint_and_not_evaluated_without_zone_groups()
        {
            Assert.Equal(AoaiFindingStatus.NotApplicable, One(WithConnections(connections: Connection("Pending")), "AOAI-NET-007", related: new[] { ZoneGroup("privatelink.openai.azure.com") }).Status);
            Assert.Equal(AoaiFindingStatus.NotApplicable, One(WithConnections(), "AOAI-NET-007", related: new[] { ZoneGroup("privatelink.openai.azure.com") }).Status);
            Assert.Equal(AoaiFindingStatus.NotEvaluated, One(WithConnections(connections: Connection("Approved")), "AOAI-NET-007").Status);
        }

        [Fact]
        public void Net007_reports_each_endpoint_without_private_dns()
        {
            var second = Network + "/privateEndpoints/pe-second";
            var findings = Evaluate(WithConnections(connections: new[] { Connection("Approved"), Connection("Approved", second) }), "AOAI-NET-007",
                related: new[] { ZoneGroup("privatelink.openai.azure.com") });
            var fail = Assert.Single(findings);
            Assert.Equal(AoaiFindingStatus.Fail, fail.Status);
            Assert.Contains("pe-second", fail.Message);
        }

        // A zone group of another endpoint: present in the input (so zone groups were exported) but not this endpoint's.
        private static InputResource OtherEndpointGroup()
        {
            var id = Network + "/privateEndpoints/pe-other/privateDnsZoneGroups/default";
            var json = new JsonObject { ["id"] = id, ["name"] = "default", ["properties"] = new JsonObject { ["privateDnsZoneConfigs"] = new JsonArray() } };
            return new InputResource(id, PrivateDnsRules.ZoneGroupsType, "default", json, null);
        }
    }
}
