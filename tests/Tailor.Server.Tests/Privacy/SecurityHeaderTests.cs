using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Privacy;

/// <summary>HTML pages carry the security headers (CSP, no framing, no referrer); every answer says nosniff.</summary>
public sealed class SecurityHeaderTests(TailorAppFixture app)
{
    [Fact]
    public async Task The_unsubscribe_page_carries_the_security_headers()
    {
        using var page = await app.Anonymous.GetAsync("/e/u/not-a-token", TestContext.Current.CancellationToken);

        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("script-src 'self';", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal); // no inline scripts
    }

    /// <summary>The reference page's viewer starts from an inline script (seen blank in Chromium without this): only that page allows it.</summary>
    [Fact]
    public async Task The_reference_page_alone_allows_its_inline_start_script()
    {
        using var page = await app.Anonymous.GetAsync("/reference/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script type=\"module\">", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task A_json_answer_says_nosniff_without_the_page_policy()
    {
        using var segments = await app.Admin.GetAsync("/api/segments", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, segments.StatusCode);
        Assert.Equal("nosniff", segments.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(segments.Headers.Contains("Content-Security-Policy"));
    }
}
