using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Privacy;

/// <summary>Rate limits per key and per client address: past the bucket, 429 with Retry-After, and other keys unaffected.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private FakeClockApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("rates"), WriteKey = "wk_rates", AdminKey = "tk_admin_rates" };
        // Buckets that do not refill during a test (one permit an hour), so the counts below are exact.
        options.Security.RateLimits.Api = new RateLimit { Permits = 1, Period = TimeSpan.FromHours(1), Burst = 4 };
        options.Security.RateLimits.Ingest = new RateLimit { Permits = 1, Period = TimeSpan.FromHours(1), Burst = 3 };
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_admin_api_answers_429_with_retry_after_past_a_keys_bucket()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await _app.Admin.GetAsync("/api/segments", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
            else response.Dispose();
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(refused!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate", "must stay within the rate limit");
        // Ingestion is another bucket: still open.
        using var track = await _app.Ingest.PostObjectAsync("/v1/track", new { userId = "r-1", @event = "Viewed" });
        Assert.Equal(HttpStatusCode.OK, track.StatusCode);
    }

    [Fact]
    public async Task Ingestion_is_limited_per_write_key_and_a_refused_batch_stores_nothing()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _app.Ingest.PostObjectAsync("/v1/track", new { userId = $"rl-{i}", @event = "Viewed", messageId = $"rl-msg-{i}" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
