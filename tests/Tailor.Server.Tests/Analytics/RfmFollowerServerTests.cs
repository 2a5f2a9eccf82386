using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Analytics;

/// <summary>On a real server: after an rfm run, an order sent through <c>/v1/track</c> re-scores its profile in the background.</summary>
public sealed class RfmFollowerServerTests : IAsyncLifetime
{
    private FakeClockApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Consent to profiling, which writing scores back is gated on (docs/privacy.md).</summary>
    private static readonly object ProfilingConsent = new { consent = new { categoryPreferences = new { personalization = true } } };

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("rfm-follower-api"), WriteKey = "wk_rfm", AdminKey = "tk_admin_rfm" };
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task An_order_after_an_rfm_run_updates_the_profiles_rfm_frequency()
    {
        var now = _app.Time.GetUtcNow();
        for (var i = 1; i <= 3; i++)
            for (var k = 0; k < i; k++)
                await _app.Ingest.SendAsync("/v1/track", new { userId = $"u{i}", @event = "Order Completed", timestamp = Http.Iso(now.AddDays(-10 * i - k)), properties = new { revenue = 10 }, context = ProfilingConsent });
        await WaitForAsync("u3", t => t is not null, "the orders to be folded");

        var response = await _app.Admin.PostAsJsonAsync("/api/analytics/runs", new { kind = "rfm" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitForAsync("u1", t => (int?)t?["rfm_frequency"] == 1, "the run's scores");

        await _app.Ingest.SendAsync("/v1/track", new { userId = "u1", @event = "Order Completed", timestamp = Http.Iso(now), properties = new { revenue = 10 } });

        var traits = await WaitForAsync("u1", t => (int?)t?["rfm_frequency"] == 2, "the re-scored frequency");
        Assert.Equal((0, 20.0), ((int)traits["rfm_recency_days"]!, (double)traits["rfm_monetary"]!));
        Assert.Equal("rfm quintiles (re-scored)", (string)traits["rfm_model"]!["model"]!);
    }

    /// <summary>Polls the profile's traits (null while it does not exist) until <paramref name="done"/>, for at most 30 s.</summary>
    private async Task<JsonObject> WaitForAsync(string userId, Func<JsonObject?, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var lookup = await _app.Admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={userId}");
            var traits = lookup.StatusCode == HttpStatusCode.OK ? (await lookup.JsonAsync())["traits"]!.AsObject() : null;
            if (done(traits)) return traits!;
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                var pipeline = await _app.Admin.GetStringAsync("/api/pipeline", Ct);
                var runs = await _app.Admin.GetStringAsync("/api/analytics/runs", Ct);
                Assert.Fail($"timed out waiting for {what}: {traits?.ToJsonString()}; pipeline {pipeline}; runs {runs}");
            }
            await Task.Delay(20, Ct);
        }
    }
}
