using Tailor.Core.Destinations;
using Tailor.Server.Admin;

namespace Tailor.Server.Destinations;

/// <summary>
/// Who may read the live profile stream: an admin key, or the key of a stream destination that is not paused —
/// as <c>Authorization: Bearer …</c> or, for browsers' EventSource and WebSocket (which cannot set headers), <c>?key=</c>.
/// The answer is the consent purpose the subscriber's notices are gated by: the stream destination's
/// (<see cref="DestinationRules.PurposeOf"/>), or <c>personalization</c> for an admin key.
/// </summary>
internal static class StreamAccess
{
    /// <summary>The purpose notices are gated by for this caller; null when the caller may not read the stream.</summary>
    public static async Task<string?> PurposeAsync(HttpContext http, AccessKeys keys, IDestinationStore store, CancellationToken ct)
    {
        var key = AccessKeys.BearerToken(http.Request) ?? http.Request.Query["key"].ToString();
        if (string.IsNullOrEmpty(key) || key.Length > 200) return null;
        if (await keys.AdminAsync(key, ct) is not null) return Core.Profiles.ConsentPurposes.Personalization;
        var hash = AudienceIdentifiers.Sha256Hex(key);
        foreach (var d in await store.ListDestinationsAsync(ct))
            if (d.Kind == DestinationKinds.Stream && !d.Paused && d.Settings.StreamKeyHash is { } stored &&
                System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(stored), System.Text.Encoding.ASCII.GetBytes(hash)))
                return DestinationRules.PurposeOf(d);
        return null;
    }

    public static IResult Refused() => TypedResults.Problem(title: "A stream key or admin key is required", statusCode: StatusCodes.Status401Unauthorized,
        extensions: new Dictionary<string, object?> { ["field"] = "Authorization", ["rule"] = "must be an admin key or the key of a stream destination (or ?key=)" });
}
