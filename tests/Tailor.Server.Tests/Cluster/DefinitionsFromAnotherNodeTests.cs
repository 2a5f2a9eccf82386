using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tailor.Application.Segments;
using Tailor.Application.Triggers;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// A segment or trigger saved through another node (or the CLI) is written to the store, not through this node's API,
/// so the node running the stage still holds the definitions it loaded before. An event accepted after the save must
/// be evaluated with it anyway: before the fix the stage evaluated the next batch with its old definitions and reloaded
/// only when next idle, which lost the first burst's journeys (14 of 120) and browsing windows (18 of 150) in the
/// three-node test on a quiet machine. The clock is fake, so the follower host's poll never reloads in between.
/// </summary>
public sealed class DefinitionsFromAnotherNodeTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FakeClockApp? _app;

    [Fact]
    public async Task A_trigger_saved_through_another_node_starts_on_the_next_event_this_node_folds()
    {
        var app = await StartAsync();
        var store = app.Services.GetRequiredService<ITriggerStore>();
        await AtRestAsync(app, TriggerEngine.EventsPosition);

        var definition = JsonDocument.Parse("""{"name": "Cart", "start": {"event": "Product Added"}, "steps": [{"wait": "1h"}]}""").RootElement;
        var parsed = TriggerValidator.Validate(definition, TriggerCatalog.Empty, new HashSet<string>());
        var trigger = TriggerValidator.NewTrigger("trg_other_node", parsed, definition, app.Time.GetUtcNow());
        await store.SaveTriggerAsync(trigger, Ct); // through "another node": this node's engine is not told
        await app.Ingest.SendAsync("/v1/track", new { userId = "after-the-save", @event = "Product Added" });
        await AtRestAsync(app, TriggerEngine.EventsPosition);

        var run = Assert.Single(await store.RunsAsync(trigger.Id, null, 10, Ct));
        Assert.Equal(RunStatus.Waiting, run.Status);
    }

    [Fact]
    public async Task A_segment_saved_through_another_node_counts_the_next_event_this_node_folds()
    {
        var app = await StartAsync();
        var store = app.Services.GetRequiredService<ISegmentStore>();
        await AtRestAsync(app, Followers.Segments);

        var now = app.Time.GetUtcNow();
        var segment = new SegmentDefinition("seg_other_node", "Browsing", RuleParser.Parse("performed \"Viewed\" in last 1 minute"), null, 0, now, now);
        await store.SaveSegmentAsync(segment, Ct); // through "another node": this node's engine is not told
        await app.Ingest.SendAsync("/v1/track", new { userId = "after-the-save", @event = "Viewed" });
        await AtRestAsync(app, Followers.Segments);

        Assert.Single(await store.MembersAsync(segment.Id, null, 10, Ct));
    }

    private async Task<FakeClockApp> StartAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("definitions"), WriteKey = "wk_definitions", AdminKey = "tk_admin_definitions" };
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero)));
        // One event first, so the stage has run a batch and gone idle with the (empty) definitions it loaded.
        await _app.Ingest.SendAsync("/v1/track", new { userId = "before-the-save", @event = "Page Seen" });
        return _app;
    }

    /// <summary>Waits until the stage's position has reached the profile pipeline's, and the pipeline has folded everything.</summary>
    private static async Task AtRestAsync(FakeClockApp app, string stagePosition)
    {
        var positions = app.Services.GetRequiredService<IPositionStore>();
        var log = app.Services.GetRequiredService<IEventLog>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var head = await log.LastSequenceAsync(Ct);
            var folded = await positions.PositionAsync(Followers.Profiles, Ct);
            if (folded >= head && await positions.PositionAsync(stagePosition, Ct) >= folded) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"not within 20 s: {stagePosition} caught up");
            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
