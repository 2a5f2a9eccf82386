using Tailor.Application.Delivery;
using Tailor.Core.Triggers;
using Tailor.Application.Experiments;
using Tailor.Application.Triggers;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// Followers with nothing defined to follow for (no trigger, no experiment, no segment) move their position past the
/// folded events in one step without reading them, however many there are; once something is defined they read
/// events again (issue 17: reading and decoding every event for nothing took server CPU from the fold).
/// </summary>
public abstract partial class StoreContractTests
{
    private const int SmallBatch = 2;

    private async Task<long> FoldFiveOrdersAsync()
    {
        await IngestAsync([.. Enumerable.Range(0, 5).Select(i => Track("Order Completed", At(i), "idle-" + i))]);
        return await Store.Positions.FoldedUpToAsync(Ct);
    }

    [Fact]
    public async Task The_trigger_follower_without_a_trigger_moves_past_every_folded_event_in_one_step()
    {
        var head = await FoldFiveOrdersAsync();
        var engine = new TriggerEngine(Store.Triggers, Store.Segments, Store.Profiles, Store.Positions, _time, () => Guid.NewGuid().ToString("N"),
            new FrequencyPolicy(Store.Contacts, []), new ActionPayloads(new Core.Content.LiquidEngine()));
        await engine.ReloadAsync(Ct);

        Assert.Equal(5, await engine.ProcessEventsAsync(SmallBatch, Ct)); // a batch holds 2: the 5 were not read
        Assert.Equal(head, await Store.Positions.PositionAsync(TriggerEngine.EventsPosition, Ct));
        Assert.Equal(0, await engine.ProcessEventsAsync(SmallBatch, Ct));
    }

    [Fact]
    public async Task The_experiments_follower_without_an_experiment_moves_past_every_folded_event_in_one_step()
    {
        var head = await FoldFiveOrdersAsync();
        var tallies = Tallies();

        Assert.Equal(5, await tallies.StepAsync(SmallBatch, Ct));
        Assert.Equal(head, await Store.Positions.PositionAsync(ExperimentTallies.Stage, Ct));
        Assert.Equal(0, await tallies.StepAsync(SmallBatch, Ct));
    }

    [Fact]
    public async Task The_segment_engine_without_a_segment_moves_past_every_folded_event_in_one_step_then_reads_again_once_one_exists()
    {
        var head = await FoldFiveOrdersAsync();
        using var engine = Engine();
        await engine.ReloadAsync(Ct);

        Assert.Equal(5, await engine.ProcessNextBatchAsync(SmallBatch, Ct));
        Assert.Equal(head, await Store.Positions.PositionAsync(Followers.Segments, Ct));

        await SegmentAsync(engine, "Recent Buyers", RecentBuyers, minSize: 0);
        await IngestAsync(Track("Order Completed", At(10), "idle-late"));
        Assert.Equal(1, await engine.ProcessNextBatchAsync(SmallBatch, Ct));
        Assert.Contains("Recent Buyers", await SegmentsOfAsync(engine, "idle-late"));
    }
}
