using System.Net;
using Tailor.Core.Geo;

namespace Tailor.Core.Tests.Geo;

/// <summary>
/// Truncation keeps the network of an address. Expected values are Python's
/// <c>ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address</c>.
/// </summary>
public sealed class IpTruncationTests
{
    [Theory]
    [InlineData("203.0.113.77", 24, "203.0.113.0")]
    [InlineData("198.51.100.255", 20, "198.51.96.0")]
    [InlineData("2001:db8:1234:5678:9abc::1", 48, "2001:db8:1234::")]
    [InlineData("2001:db8:abcd:ef01::1", 56, "2001:db8:abcd:ef00::")]
    public void The_low_bits_are_zeroed(string address, int prefix, string network)
    {
        var truncated = IpTruncation.Truncate(IPAddress.Parse(address), prefix, prefix);

        Assert.Equal(network, truncated.ToString());
    }

    [Fact]
    public void An_ipv4_mapped_ipv6_address_is_truncated_as_ipv4()
    {
        Assert.Equal("203.0.113.0", IpTruncation.Truncate(IPAddress.Parse("::ffff:203.0.113.77"), 24, 48).ToString());
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("1", null)]              // legacy single-number form: not what a client means by an IP
    [InlineData("0x7f.1", null)]
    [InlineData("fe80::1%eth0", null)]   // zones are local to a machine
    [InlineData("10.0.0.1, 203.0.113.7", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Only_plain_addresses_are_read(string? text, string? address)
    {
        Assert.Equal(address, IpTruncation.Parse(text)?.ToString());
    }
}
