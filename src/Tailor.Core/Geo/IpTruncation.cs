using System.Net;
using System.Net.Sockets;

namespace Tailor.Core.Geo;

/// <summary>Keeps the network part of an address and zeroes the rest (an IPv4-mapped IPv6 address counts as IPv4).</summary>
public static class IpTruncation
{
    public static IPAddress Truncate(IPAddress address, int ipv4Prefix, int ipv6Prefix)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? ipv4Prefix : ipv6Prefix;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        prefix = Math.Clamp(prefix, 0, length * 8);
        for (var i = 0; i < length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF00 >> keep);
        }
        return new IPAddress(bytes);
    }

    /// <summary>An address as clients write it: IPv4 dotted, IPv6 without zone; null when <paramref name="text"/> is not one.</summary>
    public static IPAddress? Parse(string? text)
    {
        // IPAddress.TryParse also takes "1" or "0x7f.1" (legacy forms) and zones: only the plain forms count.
        if (text is null || text.Length is 0 or > 45 || text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var address)) return null;
        if (address.AddressFamily == AddressFamily.InterNetwork && text.AsSpan().Count('.') != 3) return null;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !text.Contains(':', StringComparison.Ordinal)) return null;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
