using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Tailor.Core.Destinations;

namespace Tailor.Server.Destinations;

/// <summary>The HTTP request a batch goes out as: Segment's <c>POST /v1/batch</c> with the write key as Basic user, or the audience webhook signed with HMAC-SHA256.</summary>
internal static class DestinationRequests
{
    public const string SignatureHeader = "X-Tailor-Signature";

    public static HttpRequestMessage Build(Destination d, byte[] body)
    {
        var url = d.Settings.Url!;
        if (d.Kind == DestinationKinds.Segment && !url.TrimEnd('/').EndsWith("/v1/batch", StringComparison.Ordinal)) url = url.TrimEnd('/') + "/v1/batch";
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Tailor-Destinations/1.0");
        if (d.Kind == DestinationKinds.Segment && d.Settings.WriteKey is { Length: > 0 } key)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        if (d.Settings.Secret is { Length: > 0 } secret)
            request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return request;
    }
}
