using AoaiHardening.Rules;
using Xunit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>The IPv4 parser and the AOAI-NET-004 predicate that the rule and Set-AoaiNetworkRule share.</summary>
    public class Ipv4RangeTests
    {
        [Theory]
        [InlineData("203.0.113.7", "203.0.113.7", 32)]
        [InlineData("203.0.113.7/32", "203.0.113.7", 32)]
        [InlineData(" 203.0.113.0/24 ", "203.0.113.0/24", 24)]
        [InlineData("0.0.0.0/0", "0.0.0.0/0", 0)]
        [InlineData("255.255.255.255", "255.255.255.255", 32)]
        [InlineData("203.0.113.7/24", "203.0.113.0/24", 24)] // host bits: the canonical form is the network
        public void Parses_addresses_and_ranges(string text, string canonical, int prefix)
        {
            Assert.True(Ipv4Range.TryParse(text, out var range));
            Assert.Equal(canonical, range.Canonical);
            Assert.Equal(prefix, range.Prefix);
        }

        [Theory]
        [InlineData("")]
        [InlineData("203.0.113")]
        [InlineData("203.0.113.7.1")]
        [InlineData("203.0.113.256")]
        [InlineData("203.0.113.-1")]
        [InlineData("010.0.0.1")] // octal to some parsers: refused rather than guessed
        [InlineData("203.0.113.0/33")]
        [InlineData("203.0.113.0/")]
        [InlineData("203.0.113.0/024")]
        [InlineData("203.0.113.0/24/8")]
        [InlineData("2001:db8::1")]
        [InlineData("::ffff:203.0.113.7")]
        [InlineData("contoso.com")]
        [InlineData("1.2.3.4 5")]
        public void Refuses_what_is_not_dotted_quad_ipv4(string text) => Assert.False(Ipv4Range.TryParse(text, out _));

        [Theory]
        [InlineData("203.0.113.7", "203.0.113.7/32", true)]
        [InlineData("203.0.113.0/24", "203.0.113.9/24", true)] // same addresses covered
        [InlineData("203.0.113.0/24", "203.0.113.0/25", false)]
        [InlineData("203.0.113.7", "203.0.113.8", false)]
        public void Ranges_are_equal_when_they_cover_the_same_addresses(string a, string b, bool equal)
        {
            Assert.True(Ipv4Range.TryParse(a, out var left));
            Assert.True(Ipv4Range.TryParse(b, out var right));
            Assert.Equal(equal, left.Equals(right));
            if (equal) Assert.Equal(left.GetHashCode(), right.GetHashCode());
        }

        [Theory]
        [InlineData("0.0.0.0", true)]
        [InlineData("0.0.0.0/32", true)]
        [InlineData("0.0.0.0/0", true)]
        [InlineData("1.2.3.4/0", true)]
        [InlineData("52.0.0.0/8", true)]
        [InlineData("52.0.0.0/15", true)]
        [InlineData("52.0.0.0/16", false)]
        [InlineData("0.0.0.0/16", false)]
        [InlineData("203.0.113.7", false)]
        public void Internet_wide_is_a_prefix_shorter_than_16_or_0_0_0_0(string text, bool expected)
        {
            Assert.True(Ipv4Range.TryParse(text, out var range));
            Assert.Equal(expected, range.IsInternetWide);
            Assert.Equal(expected, Ipv4Range.IsInternetWideValue(text));
        }

        [Theory]
        [InlineData("10.0.0.0/8", true)]
        [InlineData("10.20.30.40", true)]
        [InlineData("172.16.0.0/12", true)]
        [InlineData("172.31.255.255", true)]
        [InlineData("172.32.0.1", false)]
        [InlineData("172.15.255.255", false)]
        [InlineData("192.168.1.0/24", true)]
        [InlineData("192.169.0.1", false)]
        [InlineData("8.0.0.0/6", false)] // covers 10.0.0.0/8 but is not inside a private block: internet-wide instead
        [InlineData("203.0.113.0/24", false)]
        public void Private_means_inside_an_rfc1918_block(string text, bool expected)
        {
            Assert.True(Ipv4Range.TryParse(text, out var range));
            Assert.Equal(expected, range.IsPrivate);
        }
    }
}
