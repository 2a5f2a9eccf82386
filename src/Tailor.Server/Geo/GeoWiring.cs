using Tailor.Core.Geo;
using Tailor.Server.Hosting;

namespace Tailor.Server.Geo;

/// <summary>
/// Wires geo from IP (docs/browser.md): the operator's database (<c>Tailor:Geo:Database</c>, <c>--geoip</c>), opened
/// once and shared, and the <see cref="GeoEnrichment"/> that ingestion and <c>/v1/personalize</c> use. A file that is
/// missing or not a MaxMind DB stops the start naming the setting (<see cref="Problem"/>, checked by the validator).
/// </summary>
public static class GeoWiring
{
    public static IServiceCollection AddTailorGeo(this IServiceCollection services, TailorServerOptions options)
    {
        var geo = options.Geo;
        services.AddSingleton(geo);
        if (geo.Database is { Length: > 0 } path)
        {
            services.AddSingleton(_ => new MaxMindGeoLookup(path)); // the container disposes it on stop
            services.AddSingleton(sp => new GeoEnrichment(sp.GetRequiredService<MaxMindGeoLookup>(), geo));
        }
        else
        {
            services.AddSingleton(new GeoEnrichment(null, geo));
        }
        return services;
    }

    /// <summary>Why <paramref name="path"/> cannot serve as the geo database, or null when it can (or none is set).</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (!File.Exists(path)) return $"must be an existing MaxMind database file (.mmdb); '{path}' does not exist";
        try
        {
            using var lookup = new MaxMindGeoLookup(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or MaxMind.Db.InvalidDatabaseException)
        {
            return $"must be a MaxMind database file (.mmdb); '{path}' cannot be read as one ({e.Message})";
        }
    }
}
