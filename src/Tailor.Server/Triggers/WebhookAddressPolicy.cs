using System.Net;
using System.Net.Sockets;

namespace Tailor.Server.Triggers;

/// <summary>
/// Which addresses a webhook may connect to: any public unicast address, and nothing loopback, private, link-local,
/// multicast, unspecified, reserved or otherwise special — in any spelling, since the address checked is the one the
/// socket connects to (IPv4-mapped and -compatible IPv6 and NAT64 are unwrapped first). The operator's allow-list
/// (<c>--webhook-allow CIDR</c>) opens chosen ranges for internal receivers.
/// </summary>
public sealed class WebhookAddressPolicy
{
    private static readonly (IPNetwork Range, string Why)[] Forbidden =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "\"this network\" (0.0.0.0/8)"),
        (IPNetwork.Parse("10.0.0.0/8"), "private (10.0.0.0/8)"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT (100.64.0.0/10)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback (127.0.0.0/8)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (169.254.0.0/16)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private (172.16.0.0/12)"),
        (IPNetwork.Parse("192.0.0.0/24"), "IETF protocol assignments (192.0.0.0/24)"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation (192.0.2.0/24)"),
        (IPNetwork.Parse("192.88.99.0/24"), "6to4 relay (192.88.99.0/24)"),
        (IPNetwork.Parse("192.168.0.0/16"), "private (192.168.0.0/16)"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking (198.18.0.0/15)"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation (198.51.100.0/24)"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation (203.0.113.0/24)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast (224.0.0.0/4)"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved or broadcast (240.0.0.0/4)"),
        (IPNetwork.Parse("::/128"), "unspecified (::)"),
        (IPNetwork.Parse("::1/128"), "loopback (::1)"),
        (IPNetwork.Parse("::/96"), "IPv4-compatible IPv6 (::/96, deprecated)"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "local-use NAT64 (64:ff9b:1::/48)"),
        (IPNetwork.Parse("100::/64"), "discard-only (100::/64)"),
        (IPNetwork.Parse("2001::/23"), "IETF protocol assignments, Teredo included (2001::/23)"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation (2001:db8::/32)"),
        (IPNetwork.Parse("2002::/16"), "6to4 (2002::/16)"),
        (IPNetwork.Parse("3fff::/20"), "documentation (3fff::/20)"),
        (IPNetwork.Parse("fc00::/7"), "unique local (fc00::/7)"),
        (IPNetwork.Parse("fe80::/10"), "link-local (fe80::/10)"),
        (IPNetwork.Parse("fec0::/10"), "site-local (fec0::/10, deprecated)"),
        (IPNetwork.Parse("ff00::/8"), "multicast (ff00::/8)"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private readonly IReadOnlyList<IPNetwork> _allowed;

    /// <param name="allowed">Ranges webhooks may reach although they are special, e.g. <c>10.1.0.0/16</c> for an internal receiver.</param>
    public WebhookAddressPolicy(IReadOnlyList<IPNetwork> allowed) => _allowed = allowed;

    /// <summary>The allow-list as given, for messages.</summary>
    public IReadOnlyList<IPNetwork> Allowed => _allowed;

    /// <summary>
    /// Parses the allow-list: CIDR ranges (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses; throws
    /// <see cref="ArgumentException"/> naming the entry that does not parse.
    /// </summary>
    public static WebhookAddressPolicy Parse(IEnumerable<string>? entries)
    {
        var ranges = new List<IPNetwork>();
        foreach (var raw in (entries ?? []).SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (IPNetwork.TryParse(raw, out var range)) ranges.Add(range);
            else if (IPAddress.TryParse(raw, out var single)) ranges.Add(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else throw new ArgumentException($"webhook allow-list entry \"{raw}\" must be a CIDR range such as 10.0.0.0/8 or an IP address");
        }
        return new WebhookAddressPolicy(ranges);
    }

    /// <summary>Null when a webhook may connect to <paramref name="address"/>, else why not.</summary>
    public string? Refusal(IPAddress address)
    {
        var effective = Unwrap(address);
        foreach (var allowed in _allowed)
            if (allowed.Contains(address) || allowed.Contains(effective)) return null;
        foreach (var (range, why) in Forbidden)
        {
            if (range.BaseAddress.AddressFamily != effective.AddressFamily || !range.Contains(effective)) continue;
            var shown = effective.Equals(address) ? address.ToString() : $"{address} (= {effective})";
            return $"{shown} is {why}; webhooks may only reach public addresses (allow internal receivers with --webhook-allow)";
        }
        return null;
    }

    /// <summary>The IPv4 address an IPv6 one stands for (mapped <c>::ffff:a.b.c.d</c>, NAT64 <c>64:ff9b::a.b.c.d</c>); else itself.</summary>
    private static IPAddress Unwrap(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (Nat64.Contains(address))
        {
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        return address;
    }
}
