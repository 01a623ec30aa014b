using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AoaiHardening.Rules;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Checks what the network cmdlets are given, before any request. Each check throws an ArgumentException whose
    /// message says what is wrong and what to pass instead; the cmdlets turn it into a terminating error with their id.
    /// Limits and formats follow Learn's "Configure Azure AI services virtual networks" and "data loss prevention" pages.
    /// </summary>
    internal static class NetworkInput
    {
        /// <summary>Azure AI services accept up to 100 IP rules per account.</summary>
        public const int MaxIpRules = 100;

        /// <summary>allowedFqdnList takes at most 1000 entries.</summary>
        public const int MaxAllowedFqdns = 1000;

        private static readonly Regex DnsLabel = new Regex(@"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant);

        /// <summary>
        /// An IP rule to add: an IPv4 address or CIDR range, written as its network (no host bits) and not /31. /32 is
        /// accepted and sent as the bare address, the only form the service takes for one address.
        /// </summary>
        public static Ipv4Range ParseIpRuleToAdd(string value)
        {
            var range = ParseRange(value);
            if (range.Prefix == 31)
                throw new ArgumentException($"'{value}': Azure AI services do not accept /31 ranges. Add the two addresses as separate rules.");
            return range;
        }

        /// <summary>An IPv4 address or CIDR range written as its network (no host bits): IP rules, NSG source prefixes.</summary>
        public static Ipv4Range ParseRange(string value)
        {
            var range = ParseIpv4(value);
            if (range.HasHostBits)
                throw new ArgumentException($"'{value}' has host bits set: the range it names is {range.Canonical}. Pass '{range.Canonical}' (or the single address without a prefix).");
            return range;
        }

        /// <summary>Private (RFC 1918) addresses never reach the account's public endpoint, and the service refuses them in IP rules.</summary>
        public static void RefusePrivate(Ipv4Range range, string value)
        {
            if (range.IsPrivate)
                throw new ArgumentException($"'{value}' is a private (RFC 1918) range, which Azure AI services do not accept in IP rules: " +
                                            "let private clients in with a virtual network rule (-AddVirtualNetworkRule) or a private endpoint.");
        }

        /// <summary>An IP rule to remove: any IPv4 address or range; it matches a stored rule that covers the same addresses.</summary>
        public static Ipv4Range ParseIpRuleToRemove(string value) => ParseIpv4(value);

        /// <summary>A stored rule value is the given range: same addresses (10.0.0.1 = 10.0.0.1/32), or, unparsable, the same text.</summary>
        public static bool IsSameIpRule(string stored, Ipv4Range range, string given) =>
            Ipv4Range.TryParse(stored, out var parsed)
                ? parsed.Equals(range)
                : string.Equals(stored.Trim(), given.Trim(), StringComparison.OrdinalIgnoreCase);

        private static Ipv4Range ParseIpv4(string value)
        {
            if (Ipv4Range.TryParse(value, out var range)) return range;
            var address = (value ?? string.Empty).Trim();
            var slash = address.IndexOf('/');
            if (slash >= 0) address = address.Substring(0, slash);
            if (IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetworkV6)
                throw new ArgumentException($"'{value}' is IPv6: Azure AI services IP rules accept IPv4 addresses and ranges only.");
            throw new ArgumentException($"'{value}' is not an IPv4 address or CIDR range (for example 203.0.113.7 or 203.0.113.0/24).");
        }

        /// <summary>A subnet resource id, as a virtual network rule names it (surrounding blanks ignored).</summary>
        public static string ValidateSubnetId(string id)
        {
            var value = (id ?? string.Empty).Trim();
            Arm.SubnetResourceId.Parse(value);
            return value;
        }

        /// <summary>
        /// An entry of allowedFqdnList: a DNS host name (at least two labels) or an IPv4 address, the two forms the service
        /// documents. Returned lower-case without a trailing dot, so lists compare by value. No scheme, path, port or
        /// wildcard: the documentation shows none, and a value the service reads differently would silently block a host.
        /// </summary>
        public static string NormalizeFqdn(string value)
        {
            var text = (value ?? string.Empty).Trim();
            if (text.Length == 0) throw new ArgumentException("An empty host name was given.");
            if (text.IndexOf("://", StringComparison.Ordinal) >= 0 || text.IndexOfAny(new[] { '/', '?', '#', '@', '\\' }) >= 0)
                throw new ArgumentException($"'{value}' is a URL, not a host name: pass the host alone (for example 'mysearch.search.windows.net'), without scheme or path.");
            if (text.IndexOf(':') >= 0)
                throw new ArgumentException($"'{value}' has a port (or is IPv6): pass the host name or IPv4 address alone.");
            if (text.IndexOf('*') >= 0)
                throw new ArgumentException($"'{value}': wildcards are not documented for allowedFqdnList. List each host name the account must reach.");
            if (Ipv4Range.TryParse(text, out var address) && address.Prefix == 32 && text.IndexOf('/') < 0) return address.Canonical;
            var name = text.TrimEnd('.').ToLowerInvariant();
            if (name.Any(c => c > 127))
                throw new ArgumentException($"'{value}' has non-ASCII characters: pass an internationalized name in its xn-- (punycode) form.");
            var labels = name.Split('.');
            if (name.Length > 253 || labels.Length < 2 || !labels.All(l => DnsLabel.IsMatch(l)) || labels[labels.Length - 1].All(char.IsDigit))
                throw new ArgumentException($"'{value}' is not a fully qualified host name (labels of letters, digits and hyphens, at least two of them, for example 'contoso.blob.core.windows.net') or an IPv4 address.");
            return name;
        }
    }
}
