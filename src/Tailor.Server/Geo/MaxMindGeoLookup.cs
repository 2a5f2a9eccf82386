using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;
using Tailor.Core.Geo;

namespace Tailor.Server.Geo;

/// <summary>
/// Looks addresses up in a MaxMind-format database, opened once (memory-mapped) and shared by every request:
/// MaxMind's GeoIP2/GeoLite2 city and country databases (and others in their layout, such as DB-IP's)
/// through MaxMind.GeoIP2's <see cref="DatabaseReader"/>; databases in the flat layout of the ip-location-db
/// packages (<c>country_code</c>, <c>state1</c>, <c>city</c>) through the MaxMind DB reader underneath.
/// </summary>
public sealed class MaxMindGeoLookup : IGeoLookup, IDisposable
{
    private readonly DatabaseReader? _geoIp2;
    private readonly Reader? _flat;
    private readonly string _type;

    /// <exception cref="InvalidDatabaseException">The file is not a MaxMind DB.</exception>
    public MaxMindGeoLookup(string path)
    {
        var reader = new Reader(path, FileAccessMode.MemoryMapped);
        _type = reader.Metadata.DatabaseType;
        if (_type.Contains("City", StringComparison.Ordinal) || _type.Contains("Country", StringComparison.Ordinal))
        {
            reader.Dispose();
            _geoIp2 = new DatabaseReader(path, FileAccessMode.MemoryMapped);
        }
        else
        {
            _flat = reader;
        }
    }

    /// <summary>The database's own name for its kind (<c>GeoLite2-City</c>, <c>city ipv4</c>).</summary>
    public string DatabaseType => _type;

    public GeoLocation? Find(IPAddress address)
    {
        try
        {
            return _geoIp2 is not null ? FindGeoIp2(address) : FindFlat(address);
        }
        catch (ArgumentException)
        {
            return null; // e.g. an IPv6 address asked of an IPv4-only database
        }
    }

    private GeoLocation? FindGeoIp2(IPAddress address)
    {
        if (_type.Contains("City", StringComparison.Ordinal))
            return _geoIp2!.TryCity(address, out var city) && city is not null
                ? new GeoLocation(city.Country.IsoCode, Blank(city.MostSpecificSubdivision.Name), Blank(city.City.Name)) : null;
        return _geoIp2!.TryCountry(address, out var country) && country is not null ? new GeoLocation(country.Country.IsoCode, null, null) : null;
    }

    private GeoLocation? FindFlat(IPAddress address)
    {
        var record = _flat!.Find<Dictionary<string, object>>(address);
        if (record is null) return null;
        return new GeoLocation(Text(record, "country_code"), Text(record, "state1"), Text(record, "city"));
    }

    private static string? Text(Dictionary<string, object> record, string key) => record.TryGetValue(key, out var value) ? Blank(value as string) : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public void Dispose()
    {
        _geoIp2?.Dispose();
        _flat?.Dispose();
    }
}
