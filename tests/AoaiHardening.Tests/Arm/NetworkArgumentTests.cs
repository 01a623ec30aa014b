using System;
using System.Linq;
using AoaiHardening.Arm;
using AoaiHardening.Services;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    /// <summary>The parsers that refuse bad network input before any request: subnet ids, DNS zones; and the zones per cloud.</summary>
    public class NetworkArgumentTests
    {
        private const string Vnet = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-1";

        [Fact]
        public void Subnet_ids_parse_into_their_parts()
        {
            var subnet = SubnetResourceId.Parse(Vnet + "/subnets/snet-pe");
            Assert.Equal("rg-net", subnet.ResourceGroupName);
            Assert.Equal("vnet-1", subnet.VirtualNetworkName);
            Assert.Equal("snet-pe", subnet.Name);
            Assert.Equal(Vnet, subnet.VirtualNetworkId);
            Assert.True(subnet.Is(Vnet.ToUpperInvariant() + "/SUBNETS/SNET-PE/"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("snet-pe")]
        [InlineData(Vnet)] // the network, not a subnet
        [InlineData(Vnet + "/subnets/")]
        [InlineData(Vnet + "/subnets/snet pe")]
        [InlineData("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s")]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a")]
        [InlineData(" " + Vnet + "/subnets/s")]
        public void Malformed_subnet_ids_are_refused(string id) =>
            Assert.Throws<ArgumentException>(() => SubnetResourceId.Parse(id));

        [Fact]
        public void Dns_zone_arguments_are_names_or_zone_ids()
        {
            Assert.Equal("privatelink.openai.azure.com", PrivateDnsZoneRef.Validate("PrivateLink.OpenAI.Azure.com."));
            var hubZone = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com";
            var zone = PrivateDnsZoneRef.From(PrivateDnsZoneRef.Validate(hubZone), "00000000-9999-2222-3333-444444444444", "rg-spoke");
            Assert.True(zone.MustExist);
            Assert.Equal("rg-hub", zone.ResourceGroupName);
            Assert.Equal("privatelink.openai.azure.com", zone.Name);
            var named = PrivateDnsZoneRef.From("privatelink.openai.azure.com", "00000000-9999-2222-3333-444444444444", "rg-spoke");
            Assert.False(named.MustExist);
            Assert.Equal("/subscriptions/00000000-9999-2222-3333-444444444444/resourceGroups/rg-spoke/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com", named.Id);
        }

        [Theory]
        [InlineData("openai")]
        [InlineData("-bad.example.com")]
        [InlineData("privatelink..openai.azure.com")]
        [InlineData("https://privatelink.openai.azure.com")]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com")]
        public void Bad_dns_zone_arguments_are_refused(string value) =>
            Assert.Throws<ArgumentException>(() => PrivateDnsZoneRef.Validate(value));

        [Theory]
        [InlineData("https://x.openai.azure.com/", "AzureCloud")]
        [InlineData("https://x.openai.azure.us/", "AzureUSGovernment")]
        [InlineData("https://x.cognitiveservices.azure.cn/", "AzureChinaCloud")]
        [InlineData(null, "AzureCloud")]
        public void The_cloud_of_an_account_comes_from_its_endpoint(string? endpoint, string cloud) =>
            Assert.Equal(cloud, AzureEnvironment.OfEndpoint(endpoint).Name);

        [Fact]
        public void Private_link_zones_per_cloud_and_kind_follow_the_facts()
        {
            Assert.Equal(new[] { "privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com" },
                AzureEnvironment.AzureCloud.PrivateLinkZonesFor("OpenAI").Select(z => z.Name));
            Assert.Equal(3, AzureEnvironment.AzureCloud.PrivateLinkZonesFor("AIServices").Count);
            Assert.Empty(AzureEnvironment.AzureChinaCloud.PrivateLinkZonesFor("OpenAI"));
            Assert.Contains(AzureEnvironment.AzureUSGovernment.PrivateLinkZonesFor("OpenAI"), z => z.Name == "privatelink.cognitiveservices.azure.us");
            var custom = AzureEnvironment.Custom(AzureEnvironment.AzureCloud, new Uri("https://127.0.0.1:8443/"), null, null, null);
            Assert.Equal(AzureEnvironment.AzureCloud.PrivateLinkZones.Count, custom.PrivateLinkZones.Count);
        }
    }
}
