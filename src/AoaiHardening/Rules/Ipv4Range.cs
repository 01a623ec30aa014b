using System;
using System.Globalization;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// An IPv4 address or CIDR range as an account's <c>networkAcls.ipRules[].value</c> holds it. One parser and one
    /// "internet-wide" predicate serve both AOAI-NET-004 and Set-AoaiNetworkRule, so the rule and the cmdlet that fixes
    /// it cannot disagree. Two ranges are equal when they cover the same addresses (<c>203.0.113.7</c> = <c>203.0.113.7/32</c>).
    /// </summary>
    internal readonly struct Ipv4Range : IEquatable<Ipv4Range>
    {
        private Ipv4Range(uint address, int prefix)
        {
            Address = address;
            Prefix = prefix;
        }

        /// <summary>The address as written (host bits included).</summary>
        public uint Address { get; }

        /// <summary>0–32; a bare address is /32.</summary>
        public int Prefix { get; }

        public uint Mask => Prefix == 0 ? 0u : uint.MaxValue << (32 - Prefix);

        public uint Network => Address & Mask;

        /// <summary>Bits set below the prefix (<c>10.1.2.3/16</c>): the range is really <see cref="Canonical"/>.</summary>
        public bool HasHostBits => Address != Network;

        /// <summary>The network address; a single address without <c>/32</c> (Azure AI services take single addresses that way).</summary>
        public string Canonical => Prefix == 32 ? Dotted(Network) : $"{Dotted(Network)}/{Prefix.ToString(CultureInfo.InvariantCulture)}";

        /// <summary>
        /// AOAI-NET-004: <c>0.0.0.0</c>, <c>0.0.0.0/0</c>, or a prefix shorter than /16. <c>0.0.0.0/32</c> is <c>0.0.0.0</c>
        /// spelled differently, so it counts too.
        /// </summary>
        public bool IsInternetWide => Prefix < 16 || (Prefix == 32 && Address == 0);

        /// <summary>Inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918), which Azure AI services refuse in IP rules.</summary>
        public bool IsPrivate => Within(0x0A000000u, 8) || Within(0xAC100000u, 12) || Within(0xC0A80000u, 16);

        private bool Within(uint network, int prefix) =>
            Prefix >= prefix && (Network & (uint.MaxValue << (32 - prefix))) == network;

        /// <summary>
        /// Dotted-quad IPv4 with an optional <c>/0</c>–<c>/32</c>; surrounding blanks are ignored. Strict: four decimal
        /// octets, no leading zeros (some parsers read <c>010</c> as octal), nothing else.
        /// </summary>
        public static bool TryParse(string? text, out Ipv4Range range)
        {
            range = default;
            if (text == null) return false;
            var value = text.Trim();
            var prefix = 32;
            var slash = value.IndexOf('/');
            if (slash >= 0)
            {
                if (!TryNumber(value.Substring(slash + 1), 32, out prefix)) return false;
                value = value.Substring(0, slash);
            }
            var octets = value.Split('.');
            if (octets.Length != 4) return false;
            uint address = 0;
            foreach (var octet in octets)
            {
                if (!TryNumber(octet, 255, out var part)) return false;
                address = (address << 8) | (uint)part;
            }
            range = new Ipv4Range(address, prefix);
            return true;
        }

        /// <summary>The NET-004 predicate on a stored rule value; a value that is not IPv4 is not internet-wide.</summary>
        public static bool IsInternetWideValue(string value) => TryParse(value, out var range) && range.IsInternetWide;

        private static bool TryNumber(string text, int max, out int number)
        {
            number = 0;
            if (text.Length == 0 || text.Length > 3 || (text.Length > 1 && text[0] == '0')) return false;
            foreach (var c in text)
            {
                if (c < '0' || c > '9') return false;
                number = number * 10 + (c - '0');
            }
            return number <= max;
        }

        private static string Dotted(uint address) =>
            string.Join(".", (address >> 24).ToString(CultureInfo.InvariantCulture), ((address >> 16) & 0xFF).ToString(CultureInfo.InvariantCulture),
                ((address >> 8) & 0xFF).ToString(CultureInfo.InvariantCulture), (address & 0xFF).ToString(CultureInfo.InvariantCulture));

        public bool Equals(Ipv4Range other) => Network == other.Network && Prefix == other.Prefix;

        public override bool Equals(object? obj) => obj is Ipv4Range other && Equals(other);

        public override int GetHashCode() => unchecked((int)Network * 31 + Prefix);

        public override string ToString() => Canonical;
    }
}
