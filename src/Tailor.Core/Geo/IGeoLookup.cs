using System.Net;

namespace Tailor.Core.Geo;

/// <summary>Resolves an IP address to a place (the MaxMind reader at the edge: <c>Tailor.Server.Geo.MaxMindGeoLookup</c>).</summary>
public interface IGeoLookup
{
    /// <summary>The place of <paramref name="address"/>, or null when the database does not know it.</summary>
    GeoLocation? Find(IPAddress address);
}
