namespace AoaiHardening.Emulator.Core;

/// <summary>An IPv4 CIDR prefix (network address and length), as virtual networks and subnets use them.</summary>
internal readonly record struct Ipv4Prefix(uint Network, int Length)
{
    public uint Mask => Length == 0 ? 0 : uint.MaxValue << (32 - Length);

    /// <summary>The last address (the broadcast address of a subnet).</summary>
    public uint Last => Network | ~Mask;

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Contains(Ipv4Prefix other) => other.Length >= Length && Contains(other.Network);

    public bool Overlaps(Ipv4Prefix other) => Contains(other.Network) || other.Contains(Network);

    public override string ToString() => $"{Ipv4.Format(Network)}/{Length}";
}

internal enum PrefixProblem { None, Format, HostBitsSet }

/// <summary>Strict IPv4 parsing: dotted quads of decimal octets only (no "10.1", hex or octal forms ARM would refuse).</summary>
internal static class Ipv4
{
    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        var parts = (text ?? "").Split('.');
        if (parts.Length != 4)
            return false;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || int.Parse(part) is var octet && octet > 255)
                return false;
            address = (address << 8) | (uint)int.Parse(part);
        }
        return true;
    }

    /// <summary>
    /// Parses <c>a.b.c.d/n</c>. <see cref="PrefixProblem.HostBitsSet"/> (e.g. 10.0.1.5/24) still yields the prefix ARM
    /// would suggest instead (10.0.1.0/24), for the error message.
    /// </summary>
    public static PrefixProblem TryParsePrefix(string? text, out Ipv4Prefix prefix)
    {
        prefix = default;
        var slash = (text ?? "").IndexOf('/');
        if (slash < 0 || !TryParseAddress(text![..slash], out var address))
            return PrefixProblem.Format;
        var lengthText = text[(slash + 1)..];
        if (lengthText.Length is 0 or > 2 || !lengthText.All(char.IsAsciiDigit) || int.Parse(lengthText) is var length && length > 32)
            return PrefixProblem.Format;
        var mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
        prefix = new Ipv4Prefix(address & mask, length);
        return (address & ~mask) == 0 ? PrefixProblem.None : PrefixProblem.HostBitsSet;
    }

    public static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}";
}
