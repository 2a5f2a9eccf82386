using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Server.Hosting;
using Tailor.Server.Ingestion;
using Tailor.Server.Pipeline;
using Tailor.Storage;

namespace Tailor.Server.Tests.Hosting;

/// <summary>How a node is composed: options checked on start, the log writer drains on stop, wake-ups owned by the host.</summary>
public sealed class CompositionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TailorServerOptions Options(string purpose) => new()
    {
        DataDirectory = TempDirectory.Create(purpose), Urls = "http://127.0.0.1:0", WriteKey = "wk_composition", AdminKey = "tk_admin_composition",
        Followers = new FollowerPolicy { PollInterval = TimeSpan.FromMinutes(10) }, // only a wake-up explains prompt work
    };

    [Fact]
    public async Task A_bad_setting_stops_the_start_with_its_key_and_rule()
    {
        var options = Options("bad-options");
        options.Caps = "email:lots";
        options.Followers = options.Followers with { PollInterval = TimeSpan.Zero };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TailorServer.BuildAsync(options, Ct, b => b.Logging.ClearProviders()));

        Assert.Contains("Tailor:Caps caps: 'email:lots' must be channel:max/per", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tailor:Followers:PollInterval must be more than zero", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(TailorStores.SqlitePath(options.DataDirectory))); // stopped before the store was opened
        TempDirectory.Delete(options.DataDirectory);
    }

    [Fact]
    public void Options_are_bound_from_the_Tailor_section_over_what_the_caller_set()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tailor:Followers:PollInterval"] = "00:00:05",
            ["Tailor:Security:ApiMaxJsonDepth"] = "32",
            ["Tailor:CampaignRatePerSecond"] = "50",
            ["Tailor:Limits:MaxMessageBytes"] = "4096",
            ["Tailor:Engagement:Weights:Signed Up"] = "4",
            ["Tailor:Profiles:MaxTraits"] = "40",
        });

        var options = builder.AddTailorOptions(new TailorServerOptions { Smtp = "127.0.0.1:2525", CampaignRatePerSecond = 10 });

        Assert.Equal(TimeSpan.FromSeconds(5), options.Followers.PollInterval);
        Assert.Equal(32, options.Security.ApiMaxJsonDepth);
        Assert.Equal(50, options.CampaignRatePerSecond); // the section wins
        Assert.Equal("127.0.0.1:2525", options.Smtp); // what the section does not set stays
        Assert.Equal(3, options.Followers.Attempts);
        Assert.Equal(4096, options.Limits.MaxMessageBytes);
        Assert.Equal(4, options.Engagement.Weights["Signed Up"]);
        Assert.Equal(5, options.Engagement.Weights["Order Completed"]); // the defaults stay beside it
        Assert.Equal(40, options.Profiles.MaxTraits);
        Assert.Equal(32 * 1024, IngestionLimits.Default.MaxMessageBytes); // the shared default is not what was bound
    }

    [Fact]
    public async Task Events_the_writer_accepted_are_in_the_log_after_the_node_stops()
    {
        var options = Options("drain");
        var app = await TailorServer.BuildAsync(options, Ct, b => b.Logging.ClearProviders());
        await app.StartAsync(Ct);
        var at = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(1, 200).Select(i => new TailorEvent($"drain-{i}", EventType.Track, "Drained", $"u{i % 7}", null, at, at, "src_drain",
            $$"""{"type":"track","event":"Drained","userId":"u{{i % 7}}"}""")).ToArray();
        var writer = app.Services.GetRequiredService<EventLogWriter>();

        var written = events.Chunk(10).Select(batch => writer.WriteAsync(batch, CancellationToken.None)).ToArray(); // accepted, not awaited
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();

        Assert.All(await Task.WhenAll(written), stored => Assert.All(stored, Assert.True));
        await using var store = await TailorStores.OpenAsync(options.DataDirectory, null, Ct);
        Assert.Equal(200, await store.Events.LastSequenceAsync(Ct));
        TempDirectory.Delete(options.DataDirectory);
    }

    [Fact]
    public async Task An_append_wakes_the_followers_and_fills_the_change_feed_without_anything_resolved_ahead()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        // Nothing resolves the profile scopes or the membership feed at start: readers subscribe when first needed.
        await using var app = await FakeClockApp.StartAsync(Options("wake"), time);
        var changed = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var subscription = app.Services.GetRequiredService<ChangeFeed>().Subscribe(profiles: ps => { foreach (var p in ps) changed.Add(p.Id); });

        using (var response = await app.Ingest.PostObjectAsync("/v1/identify", new { userId = "eve", traits = new { plan = "pro" } }))
            Assert.True(response.IsSuccessStatusCode);

        // The poll is ten minutes away: the writer's signal woke the profile pipeline, whose commit reached the feed.
        var clock = Stopwatch.StartNew();
        while (changed.IsEmpty)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the profile pipeline was never woken");
            await Task.Delay(20, Ct);
        }
        Assert.Equal((await app.Admin.LookupAsync("userId", "eve")).Id(), Assert.Single(changed));
    }
}
