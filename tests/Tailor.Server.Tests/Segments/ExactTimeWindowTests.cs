using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
    private readonly string _data = TempDirectory.Create("time");
    private WebApplication? _app;
    private HttpClient _ingest = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = _data, Urls = "http://127.0.0.1:0", WriteKey = "wk_time_window", AdminKey = "tk_admin_time_window" };
        _app = await TailorServer.BuildAsync(options, TestContext.Current.CancellationToken, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<TimeProvider>(_time);
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        _ingest = new HttpClient { BaseAddress = address };
        _ingest.DefaultRequestHeaders.Authorization = TailorAppFixture.BasicAuth("wk_time_window");
        _admin = new HttpClient { BaseAddress = address };
        _admin.DefaultRequestHeaders.Authorization = new("Bearer", "tk_admin_time_window");
    }

    public async ValueTask DisposeAsync()
    {
        _ingest.Dispose();
        _admin.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        TempDirectory.Delete(_data);
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
