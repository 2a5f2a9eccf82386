using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Tailor.Server.Dashboard;

/// <summary>
/// The dashboard's stylesheet and script, embedded in the assembly (no CDN, nothing on disk to deploy) and served at
/// <c>/assets/{name}</c> with an ETag, so a browser revalidates them with a 304 instead of downloading them again.
/// </summary>
internal static class DashboardAssets
{
    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> ByName = Load();

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        const string prefix = "Tailor.Server.Dashboard.Assets.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static IEndpointRouteBuilder MapDashboardAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("assets/{name}", (string name, HttpContext http) =>
        {
            if (!ByName.TryGetValue(name, out var asset)) return Results.NotFound();
            http.Response.Headers.ETag = asset.ETag;
            http.Response.Headers.CacheControl = "no-cache"; // revalidate: a new binary may ship new assets under the same name
            if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(asset.Content, asset.ContentType);
        }).ExcludeFromDescription();
        return app;
    }
}
