using System;
using System.Globalization;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// An IPv4 address or CIDR prefix as network rules and NSG rules take them ("10.0.0.0/24", "203.0.113.7"). Parsed
    /// strictly: four decimal octets, an optional /0-32, no host bits set under the mask.
    /// </summary>
    public sealed class Ipv4Prefix : IEquatable<Ipv4Prefix>
    {
        private Ipv4Prefix(uint address, int length)
        {
            Address = address;
            Length = length;
        }

        public uint Address { get; }
        public int Length { get; }

        /// <summary>"a.b.c.d" for a single address (/32), else "a.b.c.d/len".</summary>
        public override string ToString() => Length == 32 ? Dotted(Address) : $"{Dotted(Address)}/{Length}";

        public bool Contains(Ipv4Prefix other) => other.Length >= Length && (other.Address & Mask(Length)) == Address;

        public bool Equals(Ipv4Prefix? other) => other != null && other.Address == Address && other.Length == Length;

        public override bool Equals(object? obj) => Equals(obj as Ipv4Prefix);

        public override int GetHashCode() => unchecked((int)Address * 33 + Length);

        /// <summary>Parses; throws ArgumentException saying what is wrong (IPv6, bad octet, host bits set with the canonical form).</summary>
        public static Ipv4Prefix Parse(string value)
        {
            if (!TryParse(value, out var prefix, out var reason)) throw new ArgumentException(reason);
            return prefix!;
        }

        public static bool TryParse(string? value, out Ipv4Prefix? prefix, out string reason)
        {
            prefix = null;
            reason = string.Empty;
            var text = value ?? string.Empty;
            if (text.IndexOf(':') >= 0)
            {
                reason = $"'{value}' is an IPv6 address; only IPv4 addresses and CIDR ranges are accepted here.";
                return false;
            }
            var slash = text.IndexOf('/');
            var length = 32;
            if (slash >= 0 && (!int.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > 32 || text.Length == slash + 1))
            {
                reason = $"'{value}' has an invalid prefix length: expected /0 to /32.";
                return false;
            }
            var parts = (slash >= 0 ? text.Substring(0, slash) : text).Split('.');
            uint address = 0;
            if (parts.Length != 4)
            {
                reason = $"'{value}' is not an IPv4 address or CIDR range (e.g. 203.0.113.7 or 10.0.0.0/24).";
                return false;
            }
            foreach (var part in parts)
            {
                // No signs, spaces or leading zeros (some parsers read "010" as octal).
                if (part.Length == 0 || part.Length > 3 || (part.Length > 1 && part[0] == '0') ||
                    !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
                {
                    reason = $"'{value}' is not an IPv4 address or CIDR range (e.g. 203.0.113.7 or 10.0.0.0/24).";
                    return false;
                }
                address = (address << 8) | octet;
            }
            if ((address & ~Mask(length)) != 0)
            {
                reason = $"'{value}' has host bits set under its /{length} mask; the range is {Dotted(address & Mask(length))}/{length}.";
                return false;
            }
            prefix = new Ipv4Prefix(address, length);
            return true;
        }

        private static uint Mask(int length) => length == 0 ? 0u : uint.MaxValue << (32 - length);

        private static string Dotted(uint a) => $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
    }
}
