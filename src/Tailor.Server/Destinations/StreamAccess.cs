using Tailor.Core.Destinations;
using Tailor.Server.Admin;

namespace Tailor.Server.Destinations;

/// <summary>
/// Who may read the live profile stream: an admin key, or the key of a stream destination that is not paused —
/// as <c>Authorization: Bearer …</c> or, for browsers' EventSource and WebSocket (which cannot set headers), <c>?key=</c>.
/// </summary>
internal static class StreamAccess
{
    public static async Task<bool> AllowedAsync(HttpContext http, AccessKeys keys, IDestinationStore store, CancellationToken ct)
    {
        var key = AccessKeys.BearerToken(http.Request) ?? http.Request.Query["key"].ToString();
        if (string.IsNullOrEmpty(key) || key.Length > 200) return false;
        if (await keys.AdminAsync(key, ct) is not null) return true;
        var hash = AudienceIdentifiers.Sha256Hex(key);
        foreach (var d in await store.ListDestinationsAsync(ct))
            if (d.Kind == DestinationKinds.Stream && !d.Paused && d.Settings.StreamKeyHash is { } stored &&
                System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(stored), System.Text.Encoding.ASCII.GetBytes(hash)))
                return true;
        return false;
    }

    public static IResult Refused() => TypedResults.Problem(title: "A stream key or admin key is required", statusCode: StatusCodes.Status401Unauthorized,
        extensions: new Dictionary<string, object?> { ["field"] = "Authorization", ["rule"] = "must be an admin key or the key of a stream destination (or ?key=)" });
}
