using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Browser;

/// <summary>
/// CORS as browsers need it beyond the happy path: a header the page's library adds is allowed in the preflight, and
/// a refusal (429 from the rate limiter) is still readable by the page, with its Retry-After, which analytics-next
/// reads to know when to send again. (The whole flow in Chromium: <see cref="BrowserTests"/>.)
/// </summary>
public sealed class BrowserCorsTests : IAsyncLifetime
{
    private FakeClockApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("cors"), WriteKey = "wk_cors", AdminKey = "tk_admin_cors" };
        options.Security.RateLimits.Ingest = new RateLimit { Permits = 1, Period = TimeSpan.FromHours(1), Burst = 1 }; // no refill during the test
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [Fact]
    public async Task A_preflight_for_a_header_of_the_pages_own_is_allowed_without_credentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/t");
        request.Headers.Add("Origin", "http://shop.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-shop,x-retry-count");

        using var response = await _app.Ingest.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("content-type,x-shop,x-retry-count", Header(response, "Access-Control-Allow-Headers").ToLowerInvariant());
        Assert.Equal("", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_rate_limited_send_is_readable_by_the_page_with_its_retry_after()
    {
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3 && refused is null; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/t")
            {
                Content = new StringContent("""{"anonymousId":"cors-rate","event":"Viewed"}""", System.Text.Encoding.UTF8, "text/plain"),
            };
            request.Headers.Add("Origin", "http://shop.example");
            var response = await _app.Ingest.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.Equal("*", Header(refused, "Access-Control-Allow-Origin"));
            Assert.Contains("retry-after", Header(refused, "Access-Control-Expose-Headers").ToLowerInvariant(), StringComparison.Ordinal);
            Assert.NotEqual("", Header(refused, "Retry-After"));
        }
    }
}
