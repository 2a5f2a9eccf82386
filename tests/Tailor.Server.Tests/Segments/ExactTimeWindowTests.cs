using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Segments;

/// <summary>
/// The promise of exact time windows, through HTTP on an app whose clock is a <see cref="FakeTimeProvider"/>: a
/// backdated order enters "Recent Buyers" now and leaves when it turns 30 days old, with no further input.
/// </summary>
public sealed class ExactTimeWindowTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeClockApp? _host;
    private HttpClient _ingest = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await FakeClockApp.StartAsync(
            new TailorServerOptions { DataDirectory = TempDirectory.Create("time"), WriteKey = "wk_time_window", AdminKey = "tk_admin_time_window" }, _time);
        (_ingest, _admin) = (_host.Ingest, _host.Admin);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task An_order_stamped_30_days_minus_3_seconds_ago_enters_now_and_leaves_when_the_clock_passes_3_seconds()
    {
        using var created = await _admin.PostObjectAsync("/api/segments", new { name = "Recent Buyers", rule = "performed \"Order Completed\" in last 30 days" });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var stamped = _time.GetUtcNow() - TimeSpan.FromDays(30) + TimeSpan.FromSeconds(3);

        await _ingest.SendAsync("/v1/track", new { userId = "ann", @event = "Order Completed", timestamp = Http.Iso(stamped), properties = new { revenue = 20 } });
        await _admin.WaitForSegmentsAsync("ann", names => names.Contains("Recent Buyers"));

        _time.Advance(TimeSpan.FromSeconds(2));
        await PipelineProgress.WaitUntilCaughtUpAsync(_admin);
        Assert.Contains("Recent Buyers", (await _admin.LookupAsync("userId", "ann"))["segments"]!.AsArray().Select(s => (string)s!));

        _time.Advance(TimeSpan.FromSeconds(1));
        var profile = await _admin.WaitForSegmentsAsync("ann", names => !names.Contains("Recent Buyers"));
        var history = await _admin.GetObjectAsync($"/api/profiles/{profile.Id()}/segments");
        var exit = history["history"]!.AsArray().Single(h => !(bool)h!["entered"]!);
        Assert.Equal(stamped.AddDays(30).ToUnixTimeMilliseconds(), DateTimeOffset.Parse((string)exit!["at"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task An_order_stamped_31_days_ago_never_enters()
    {
        using var created = await _admin.PostObjectAsync("/api/segments", new { name = "Recent Buyers 2", rule = "performed \"Order Completed\" in last 30 days" });
        await created.ShouldBeAsync(HttpStatusCode.Created);

        await _ingest.SendAsync("/v1/track", new { userId = "old", @event = "Order Completed", timestamp = Http.Iso(_time.GetUtcNow().AddDays(-31)) });
        await PipelineProgress.WaitUntilCaughtUpAsync(_admin);
        var profile = await _admin.LookupAsync("userId", "old");
        await _admin.WaitForSegmentsAsync("old", names => names.Count == 0);

        var history = await _admin.GetObjectAsync($"/api/profiles/{profile.Id()}/segments");
        Assert.Empty(history["history"]!.AsArray());
    }
}
