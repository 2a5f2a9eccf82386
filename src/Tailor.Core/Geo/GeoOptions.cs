namespace Tailor.Core.Geo;

/// <summary>
/// Geo from IP (docs/browser.md): the operator's MaxMind-format database and whether stored IP addresses lose their
/// low bits. Bound from <c>Tailor:Geo</c>; <c>tailor serve --geoip FILE.mmdb</c>, <c>--truncate-ip</c>.
/// </summary>
public sealed class GeoOptions
{
    /// <summary>Path of a MaxMind-format (<c>.mmdb</c>) city or country database; none by default (no lookups).</summary>
    public string? Database { get; set; }

    /// <summary>Replace <c>context.ip</c> by its network (<see cref="Ipv4Prefix"/>, <see cref="Ipv6Prefix"/>) after the lookup, before the event is stored. Off by default.</summary>
    public bool TruncateIp { get; set; }

    /// <summary>Bits of an IPv4 address kept when truncating (default 24: <c>203.0.113.77</c> is stored as <c>203.0.113.0</c>).</summary>
    public int Ipv4Prefix { get; set; } = 24;

    /// <summary>Bits of an IPv6 address kept when truncating (default 48).</summary>
    public int Ipv6Prefix { get; set; } = 48;
}
