using System.Globalization;
using System.Text.Json;
using Tailor.Application.Analytics.Rfm;
using Tailor.Application.Pipeline;
using Tailor.Core.Analytics;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Analytics;

/// <summary>
/// Keeps RFM scores current as orders arrive: follows the events the profile pipeline has assigned (after its own
/// position, up to the pipeline's), and re-scores each profile that got an order event (the event the latest
/// succeeded rfm run read) or a merge, against that run's boundaries (<see cref="RfmRescoring"/>), writing the traits
/// back through the log. With no such run (or one that read other names) it only moves its position; while an rfm run
/// is queued or running it waits for it.
/// <para>
/// Its work is appending identify events, not a store commit its position could ride in. So it is at-least-once with
/// idempotent writes: each score event's messageId is deterministic in (run, profile, sequence of the order that caused
/// it), the log drops a messageId it already holds, and the position moves after the events are appended, in a commit
/// of its own (<see cref="IAnalyticsStore.MovePositionAsync"/>, with the usual conflict rule). A crash between the two
/// replays the batch and appends nothing new; a node that lost the race to move the position wrote only duplicates.
/// </para>
/// </summary>
public sealed class RfmFollower(RfmRescoring rescoring, ISegmentStore events, IAnalyticsStore store, IPositionStore positions, TimeProvider time) : ILogFollower
{
    public const string Stage = "rfm";
    public const int BatchSize = 500;

    public string Name => Stage;

    public int IsolationWindow => BatchSize;

    /// <summary>The profile pipeline (new events), and the analytics runner (a run finished: orders held back can go).</summary>
    public IReadOnlyList<string> Follows { get; } = [ProfilePipeline.Stage, AnalyticsRunner.Stage];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        var max = mode == StepMode.One ? 1 : BatchSize;
        var position = await positions.PositionAsync(Stage, cancellationToken);
        var upTo = await positions.FoldedUpToAsync(cancellationToken);
        if (upTo <= position) return FollowerStep.Idle();
        // While an rfm run is queued or running, orders wait for it: re-scored now they would be overwritten by the run's
        // write-back (as of its moment, without them), or skipped when it is the first run. Its end wakes this follower.
        if ((await store.ListRunsAsync(RfmJob.KindName, 1, cancellationToken)) is [{ Status: AnalyticsRunStatus.Queued or AnalyticsRunStatus.Running }])
            return FollowerStep.Idle();
        var basis = await rescoring.BasisAsync(cancellationToken);
        // With no run to score against (none succeeded, or the latest read other order names) a step re-scores nothing,
        // so the events are passed unread (issue 17: reading and decoding every event's summary for nothing cost
        // PostgreSQL and the server CPU under load).
        if (!basis.Succeeded) return new FollowerStep(await MoveAsync(new PositionMove(Stage, position, upTo), cancellationToken));
        var batch = await events.AssignedEventSummariesAsync(position, upTo, max, cancellationToken);

        var track = EventType.Track.ToWire();
        var causes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in batch)
            if (e.Merged || (e.Type == track && e.Name == basis.Value!.OrderEvent))
                causes[e.ProfileId] = e.Sequence; // in log order: the profile's last cause in the batch
        if (causes.Count > 0) await rescoring.RescoreAsync(basis.Value!, causes, cancellationToken);
        await MoveAsync(new PositionMove(Stage, position, batch.Count == max ? batch[^1].Sequence : upTo), cancellationToken);
        return new FollowerStep(Math.Max(batch.Count, 1));
    }

    /// <summary>Moves the position past what a step covered; returns how many log positions that was.</summary>
    private async Task<int> MoveAsync(PositionMove move, CancellationToken cancellationToken)
    {
        try
        {
            await store.MovePositionAsync(move, null, cancellationToken);
        }
        catch (PositionConflictException)
        {
            // Another node covered these events first; what this step appended were duplicates the log dropped.
        }
        return move.Covered;
    }

    /// <summary>Records the next event as a dead letter and moves the position past it, in one commit.</summary>
    public async Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(Stage, cancellationToken);
        var upTo = await positions.FoldedUpToAsync(cancellationToken);
        var next = upTo <= position ? [] : await events.AssignedEventSummariesAsync(position, upTo, 1, cancellationToken);
        if (next.Count == 0) return;
        var e = next[0];
        var payload = JsonSerializer.Serialize(new { sequence = e.Sequence, profileId = e.ProfileId, type = e.Type, name = e.Name });
        var letter = DeadLetter.For(Stage, "event:" + e.Sequence.ToString(CultureInfo.InvariantCulture), null, payload, error, attempts, time.GetUtcNow());
        try
        {
            await store.MovePositionAsync(new PositionMove(Stage, position, e.Sequence), letter, cancellationToken);
        }
        catch (PositionConflictException)
        {
            // Another node moved past it.
        }
    }

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(Stage, cancellationToken);
        var head = await positions.FoldedUpToAsync(cancellationToken);
        return new FollowerProgress(position, Math.Max(0, head - position));
    }

    public Task StopAsync() => Task.CompletedTask;
}
