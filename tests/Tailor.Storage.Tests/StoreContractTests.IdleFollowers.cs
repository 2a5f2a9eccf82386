using Tailor.Application.Delivery;
using Tailor.Application.Experiments;
using Tailor.Application.Triggers;
using Tailor.Core.Events;
using Tailor.Core.Experiments;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// Followers with nothing defined to follow for (no trigger, no experiment that counts, no segment) move their position
/// past the folded events in one step without reading them, however many there are (a store starts at position 0, so
/// covering them all is covering the head); while something is defined they read events a batch at a time (issue 17:
/// reading and decoding every event for nothing took server CPU from the fold).
/// </summary>
public abstract partial class StoreContractTests
{
    private const int SmallBatch = 2;

    private async Task<long> FoldFiveOrdersAsync()
    {
        await IngestAsync([.. Enumerable.Range(0, 5).Select(i => Track("Order Completed", At(i), "idle-" + i))]);
        return await Store.Positions.FoldedUpToAsync(Ct);
    }

    /// <summary>One step of at most <see cref="SmallBatch"/> events; returns what it covered and where the follower then stands.</summary>
    private async Task<(int Covered, long Position)> StepAsync(string follower, Func<Task<int>> step) =>
        (await step(), await Store.Positions.PositionAsync(follower, Ct));

    private TriggerEngine Triggers() =>
        new(Store.Triggers, Store.Segments, Store.Profiles, Store.Positions, _time, () => Guid.NewGuid().ToString("N"),
            new FrequencyPolicy(Store.Contacts, []), new ActionPayloads(new Core.Content.LiquidEngine()));

    [Fact]
    public async Task The_trigger_follower_without_a_trigger_moves_past_every_folded_event_in_one_step()
    {
        var head = await FoldFiveOrdersAsync();
        var engine = Triggers();
        await engine.ReloadAsync(Ct);

        Assert.Equal(((int)head, head), await StepAsync(TriggerEngine.EventsPosition, () => engine.ProcessEventsAsync(SmallBatch, Ct)));
        Assert.Equal(0, await engine.ProcessEventsAsync(SmallBatch, Ct));
    }

    [Fact]
    public async Task The_trigger_follower_reads_the_events_while_a_trigger_exists_even_a_disabled_one()
    {
        await FoldFiveOrdersAsync();
        var engine = Triggers();
        await engine.ReloadAsync(Ct);
        // Saved through the store only, as another node or the CLI would: the step must see it before it decides.
        // A disabled trigger's waiting runs still move on events.
        await Store.Triggers.SaveTriggerAsync(new("idle", "idle", """{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}]}""", false, "whsec_1", At(0), At(0)), Ct);

        Assert.Equal(SmallBatch, (await StepAsync(TriggerEngine.EventsPosition, () => engine.ProcessEventsAsync(SmallBatch, Ct))).Covered);
    }

    [Fact]
    public async Task The_experiments_follower_without_a_counting_experiment_moves_past_every_folded_event_in_one_step()
    {
        var head = await FoldFiveOrdersAsync();
        await SaveExperimentAsync("idle-draft", ExperimentStatus.Draft); // a draft assigns nobody: nothing to count
        var tallies = Tallies();

        Assert.Equal(((int)head, head), await StepAsync(ExperimentTallies.Stage, () => tallies.StepAsync(SmallBatch, Ct)));
        Assert.Equal(0, await tallies.StepAsync(SmallBatch, Ct));
    }

    [Fact]
    public async Task The_experiments_follower_reads_the_events_while_a_stopped_experiment_still_counts()
    {
        await FoldFiveOrdersAsync();
        await SaveExperimentAsync("idle-stopped", ExperimentStatus.Stopped);

        Assert.Equal(SmallBatch, (await StepAsync(ExperimentTallies.Stage, () => Tallies().StepAsync(SmallBatch, Ct))).Covered);
    }

    private Task SaveExperimentAsync(string key, ExperimentStatus status) =>
        Store.Experiments.SaveExperimentAsync(new Experiment(new ExperimentDefinition(key, null, new ExperimentSubject(SubjectKind.Flag),
            [new ExperimentVariant("a"), new ExperimentVariant("b")], TallyMetrics[0]), status, At(0), At(0), At(0)), createOnly: true, Ct);

    [Fact]
    public async Task The_segment_engine_without_a_segment_moves_past_every_folded_event_in_one_step_then_reads_again_once_one_exists()
    {
        var head = await FoldFiveOrdersAsync();
        using var engine = Engine();
        await engine.ReloadAsync(Ct);

        Assert.Equal(((int)head, head), await StepAsync(Followers.Segments, () => engine.ProcessNextBatchAsync(SmallBatch, Ct)));

        // Saved through the store only, as another node or the CLI would: the next step must see it before it decides.
        await Store.Segments.SaveSegmentAsync(new SegmentDefinition("seg-idle", "Recent Buyers", RuleParser.Parse(RecentBuyers), null, 0, At(0), At(0)), Ct);
        await IngestAsync(Track("Order Completed", At(10), "idle-late"));
        Assert.Equal(1, await engine.ProcessNextBatchAsync(SmallBatch, Ct));
        Assert.Contains("Recent Buyers", await SegmentsOfAsync(engine, "idle-late"));
    }
}
