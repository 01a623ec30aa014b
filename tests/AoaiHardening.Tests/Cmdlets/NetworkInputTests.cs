using System;
using AoaiHardening.Cmdlets.Network;
using Xunit;

namespace AoaiHardening.Tests.Cmdlets
{
    /// <summary>What the network cmdlets accept before any request, and what they say about the rest.</summary>
    public class NetworkInputTests
    {
        private const string Sub = "00000000-1111-2222-3333-444444444444";

        [Theory]
        [InlineData("203.0.113.7", "203.0.113.7")]
        [InlineData("203.0.113.7/32", "203.0.113.7")] // one address is sent bare: the service takes no /32
        [InlineData("203.0.113.0/24", "203.0.113.0/24")]
        [InlineData("0.0.0.0/0", "0.0.0.0/0")] // syntactically fine; the cmdlet refuses it as broad unless -AllowBroadRange
        public void Ip_rules_to_add_are_canonical(string value, string canonical) =>
            Assert.Equal(canonical, NetworkInput.ParseIpRuleToAdd(value).Canonical);

        [Theory]
        [InlineData("2001:db8::1", "IPv6")]
        [InlineData("2001:db8::/32", "IPv6")]
        [InlineData("office", "not an IPv4 address")]
        [InlineData("203.0.113.7/24", "Pass '203.0.113.0/24'")]
        [InlineData("203.0.113.6/31", "/31")]
        public void Ip_rules_to_add_are_refused_with_a_reason(string value, string reason)
        {
            var ex = Assert.Throws<ArgumentException>(() => NetworkInput.ParseIpRuleToAdd(value));
            Assert.Contains(reason, ex.Message);
        }

        [Fact]
        public void Private_ranges_are_refused_pointing_to_virtual_network_rules()
        {
            var range = NetworkInput.ParseIpRuleToAdd("192.168.10.0/24");
            var ex = Assert.Throws<ArgumentException>(() => NetworkInput.RefusePrivate(range, "192.168.10.0/24"));
            Assert.Contains("-AddVirtualNetworkRule", ex.Message);
            NetworkInput.RefusePrivate(NetworkInput.ParseIpRuleToAdd("203.0.113.0/24"), "203.0.113.0/24");
        }

        [Theory]
        [InlineData("10.1.0.0/8", "10.0.0.0/8", true)] // removal takes host bits: it matches by the addresses covered
        [InlineData("203.0.113.7/32", "203.0.113.7", true)]
        [InlineData("203.0.113.7", "203.0.113.7/32", true)]
        [InlineData("203.0.113.7", "203.0.113.8", false)]
        [InlineData("203.0.113.0/24", "not-a-rule", false)]
        public void Removal_matches_stored_rules_semantically(string given, string stored, bool match) =>
            Assert.Equal(match, NetworkInput.IsSameIpRule(stored, NetworkInput.ParseIpRuleToRemove(given), given));

        [Theory]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ai/subnets/snet-apps")]
        [InlineData("/subscriptions/" + Sub + "/resourcegroups/RG.net(1)/providers/microsoft.network/virtualnetworks/v1/subnets/s")]
        [InlineData(" /subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet_1.a/subnets/default ")]
        public void Subnet_ids_are_accepted(string id) => Assert.Equal(id.Trim(), NetworkInput.ValidateSubnetId(id));

        [Theory]
        [InlineData("")]
        [InlineData("snet-apps")]
        [InlineData("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s/extra")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Storage/virtualNetworks/v/subnets/s")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg./providers/Microsoft.Network/virtualNetworks/v/subnets/s")]
        [InlineData("/subscriptions/" + Sub + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/-v/subnets/s")]
        public void Malformed_subnet_ids_are_refused(string id)
        {
            var ex = Assert.Throws<ArgumentException>(() => NetworkInput.ValidateSubnetId(id));
            Assert.Contains("not a subnet id", ex.Message);
        }

        [Theory]
        [InlineData("contoso-search.search.windows.net", "contoso-search.search.windows.net")]
        [InlineData(" Contoso-Search.Search.Windows.NET. ", "contoso-search.search.windows.net")]
        [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
        [InlineData("a.b", "a.b")]
        [InlineData("203.0.113.9", "203.0.113.9")]
        public void Fqdns_are_normalized(string value, string normalized) => Assert.Equal(normalized, NetworkInput.NormalizeFqdn(value));

        [Theory]
        [InlineData("", "empty")]
        [InlineData("https://contoso.openai.azure.com", "not a host name")]
        [InlineData("contoso.blob.core.windows.net/container", "not a host name")]
        [InlineData("user@contoso.com", "not a host name")]
        [InlineData("contoso.com:443", "port")]
        [InlineData("2001:db8::1", "IPv6")]
        [InlineData("*.blob.core.windows.net", "wildcards")]
        [InlineData("blob.*.windows.net", "wildcards")]
        [InlineData("localhost", "fully qualified")]
        [InlineData("a..b", "fully qualified")]
        [InlineData("-a.contoso.com", "fully qualified")]
        [InlineData("a-.contoso.com", "fully qualified")]
        [InlineData("under_score.contoso.com", "fully qualified")]
        [InlineData("contoso.123", "fully qualified")]
        [InlineData("203.0.113.0/24", "not a host name")]
        [InlineData("bücher.example", "punycode")]
        public void Bad_fqdns_are_refused_with_a_reason(string value, string reason)
        {
            var ex = Assert.Throws<ArgumentException>(() => NetworkInput.NormalizeFqdn(value));
            Assert.Contains(reason, ex.Message);
        }

        [Fact]
        public void Fqdn_length_limits_hold()
        {
            var label = new string('a', 63);
            Assert.Equal($"{label}.com", NetworkInput.NormalizeFqdn($"{label}.com"));
            Assert.Throws<ArgumentException>(() => NetworkInput.NormalizeFqdn($"{label}a.com"));
            var name = string.Join(".", label, label, label, new string('b', 61)); // 253 characters
            Assert.Equal(253, name.Length);
            Assert.Equal(name, NetworkInput.NormalizeFqdn(name));
            Assert.Throws<ArgumentException>(() => NetworkInput.NormalizeFqdn(name + "b"));
        }
    }
}
