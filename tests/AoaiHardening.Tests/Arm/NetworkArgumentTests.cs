using System;
using System.Linq;
using AoaiHardening.Arm;
using AoaiHardening.Services;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    /// <summary>The parsers that refuse bad network input before any request: subnet ids, IPv4 prefixes, DNS zones, clouds.</summary>
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

        [Theory]
        [InlineData("10.0.0.0/24", "10.0.0.0/24", 24)]
        [InlineData("203.0.113.7", "203.0.113.7", 32)]
        [InlineData("203.0.113.7/32", "203.0.113.7", 32)]
        [InlineData("0.0.0.0/0", "0.0.0.0/0", 0)]
        public void Ipv4_prefixes_parse_to_canonical_form(string text, string canonical, int length)
        {
            var prefix = Ipv4Prefix.Parse(text);
            Assert.Equal(canonical, prefix.ToString());
            Assert.Equal(length, prefix.Length);
        }

        [Theory]
        [InlineData("10.0.0.1/24", "host bits")]
        [InlineData("10.0.0.0/33", "prefix length")]
        [InlineData("10.0.0.0/", "prefix length")]
        [InlineData("2001:db8::/32", "IPv6")]
        [InlineData("10.0.0", "not an IPv4")]
        [InlineData("10.0.0.256", "not an IPv4")]
        [InlineData("10.0.0.01", "not an IPv4")]
        [InlineData("10.0.0.-1", "not an IPv4")]
        [InlineData("*", "not an IPv4")]
        public void Bad_prefixes_are_refused_with_the_reason(string text, string reason)
        {
            var ex = Assert.Throws<ArgumentException>(() => Ipv4Prefix.Parse(text));
            Assert.Contains(reason, ex.Message);
        }

        [Fact]
        public void Host_bits_error_names_the_canonical_range() =>
            Assert.Contains("10.0.0.0/24", Assert.Throws<ArgumentException>(() => Ipv4Prefix.Parse("10.0.0.77/24")).Message);

        [Fact]
        public void Prefix_containment() =>
            Assert.True(Ipv4Prefix.Parse("10.0.0.0/16").Contains(Ipv4Prefix.Parse("10.0.3.0/24")) && !Ipv4Prefix.Parse("10.0.3.0/24").Contains(Ipv4Prefix.Parse("10.0.0.0/16")));

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
