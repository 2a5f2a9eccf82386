using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>CORS on <c>/v1</c>: a shop's page on any origin may call tracking and personalize; no credentials; <c>/api</c> stays closed to browsers.</summary>
public sealed class CorsTests(TailorAppFixture app)
{
    private async Task<HttpResponseMessage> PreflightAsync(string path, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await app.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Theory]
    [InlineData("/v1/personalize", "GET", "authorization")]
    [InlineData("/v1/batch", "POST", "authorization,content-type,content-encoding")]
    [InlineData("/v1/track", "POST", "content-type")]
    public async Task A_preflight_from_any_origin_is_answered_with_the_methods_and_headers_the_call_needs(string path, string method, string headers)
    {
        using var response = await PreflightAsync(path, method, headers);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        foreach (var header in headers.Split(','))
            Assert.Contains(header, Header(response, "Access-Control-Allow-Headers").ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Equal("", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_cross_origin_call_to_v1_is_readable_by_the_page()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track")
        {
            Content = new StringContent("""{"anonymousId":"cors-1","event":"Viewed"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.Authorization = TailorAppFixture.BasicAuth(app.WriteKey);
        using var response = await app.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);

        await response.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_admin_api_gives_browsers_no_CORS_headers()
    {
        using var response = await PreflightAsync("/api/profiles/search", "GET", "authorization");

        Assert.Equal("", Header(response, "Access-Control-Allow-Origin"));
    }
}
