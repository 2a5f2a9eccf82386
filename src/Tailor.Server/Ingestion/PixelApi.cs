using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Events;

namespace Tailor.Server.Ingestion;

/// <summary>
/// Segment's tracking pixel: <c>GET /v1/pixel/track?data=BASE64</c> (and <c>page</c>, <c>identify</c>, <c>screen</c>,
/// <c>group</c>, <c>alias</c>) for places where scripts cannot run — an email, a cart page. <c>data</c> is the message
/// as base64-encoded JSON (standard or URL-safe alphabet, padding optional; plain JSON is taken too), with the
/// <c>writeKey</c> inside as Segment has it (or HTTP Basic). The message meets the same parser, limits, write-key
/// check and tracking plan as <c>POST /v1/track</c>; a logged one is answered with a 1x1 transparent GIF, a refused
/// one with the same problem document (Segment answers the GIF whatever happens; Tailor says what is wrong, since a
/// pixel that silently logs nothing is found out only when the numbers are missing).
/// </summary>
public static class PixelApi
{
    /// <summary>The most characters <c>data</c> may have: a 4.5 KB message in base64, under the 8 KB request line Kestrel allows.</summary>
    public const int MaxDataLength = 6144;

    /// <summary>The transparent 1x1 GIF (GIF89a; a graphic control extension makes colour 0, its one pixel, transparent), 43 bytes.</summary>
    public static ReadOnlyMemory<byte> Gif { get; } = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private static readonly (string Path, EventType Type)[] Routes =
    [
        ("track", EventType.Track), ("page", EventType.Page), ("identify", EventType.Identify),
        ("screen", EventType.Screen), ("group", EventType.Group), ("alias", EventType.Alias),
    ];

    public static RouteGroupBuilder MapPixelApi(this RouteGroupBuilder v1)
    {
        foreach (var (path, type) in Routes)
        {
            var routeType = type;
            v1.MapGet($"pixel/{path}", (HttpContext http, IngestionEndpoint endpoint) => HandleAsync(http, endpoint, routeType))
                .WithName($"Pixel{path}").WithSummary($"Send one {path} message as base64 JSON in ?data= and get a 1x1 GIF (Segment's tracking pixel)");
        }
        return v1;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IngestionEndpoint endpoint, EventType type)
    {
        var data = http.Request.Query["data"];
        if (data.Count != 1 || string.IsNullOrEmpty(data[0]))
            return Invalid("data", "is required: the message as base64-encoded JSON, once");
        var text = data[0]!;
        if (text.Length > MaxDataLength)
            return Invalid("data", $"must be at most {MaxDataLength} characters");
        if (Decode(text) is not { } body)
            return Invalid("data", "must be base64-encoded JSON (standard or URL-safe alphabet)");

        var answer = await endpoint.IngestAsync(http, body, type, fromDevice: true);
        if (answer is not Ok<IngestionResponse>) return answer;
        http.Response.Headers.CacheControl = "no-store, no-cache, must-revalidate, private"; // every open is a request
        return TypedResults.Bytes(Gif, "image/gif");
    }

    /// <summary>The message's bytes: plain JSON as given, else base64 in either alphabet with or without padding (a '+' left
    /// unescaped in the URL arrives as a space).</summary>
    private static byte[]? Decode(string text)
    {
        if (text[0] == '{') return System.Text.Encoding.UTF8.GetBytes(text);
        var url = text.Replace(' ', '-').Replace('+', '-').Replace('/', '_').TrimEnd('=');
        if (!Base64Url.IsValid(url, out var length)) return null;
        var bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(url, bytes, out var written) ? bytes[..written] : null;
    }

    private static ProblemHttpResult Invalid(string field, string rule) =>
        TypedResults.Problem(
            title: "The pixel request is invalid",
            detail: $"{field}: {rule}",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["success"] = false, ["errors"] = new[] { new ValidationError(field, rule) } });
}
