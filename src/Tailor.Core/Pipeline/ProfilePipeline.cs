using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Pipeline;

/// <summary>
/// Reads the event log in order and folds each event into its profile. Each batch is committed together with the
/// log position, so a crash between batches loses nothing and a restart never applies an event twice.
/// One pipeline runs per store.
/// </summary>
public sealed class ProfilePipeline(ITailorStore store, ProfileReducer reducer, TimeProvider time, Func<string> newProfileId, int batchSize = ProfilePipeline.DefaultBatchSize)
{
    /// <summary>Events per commit: small enough that a commit holds a single-writer store for tens of milliseconds.</summary>
    public const int DefaultBatchSize = 500;

    private long? _position;

    /// <summary>Raised after each committed batch with the profiles it changed (merged-away ones included).</summary>
    public event Action<IReadOnlyList<Profile>>? ProfilesChanged;

    public async Task<long> PositionAsync(CancellationToken cancellationToken) =>
        _position ??= await store.PipelinePositionAsync(cancellationToken);

    /// <summary>Processes one batch; returns how many events it applied (0 when caught up).</summary>
    public async Task<int> ProcessNextBatchAsync(CancellationToken cancellationToken)
    {
        var position = await PositionAsync(cancellationToken);
        var logged = await store.ReadAfterAsync(position, batchSize, cancellationToken);
        if (logged.Count == 0) return 0;

        var views = new EventView[logged.Count];
        for (var i = 0; i < logged.Count; i++)
        {
            views[i] = EventView.Parse(logged[i]);
            if (!MergeUndoRequest.TryRead(views[i], out var mergeId)) continue;
            // An undo runs alone: the events before it make one batch, the events after it the next.
            if (i == 0) return await UndoMergeAsync(views[0], mergeId, position, cancellationToken);
            logged = logged.Take(i).ToList();
            views = views[..i];
            break;
        }

        var owners = await store.LoadOwnersAsync(ProfileBatch.IdentitiesOf(views, reducer.Limits), cancellationToken);
        var batch = new ProfileBatch(owners, reducer, newProfileId, time.GetUtcNow());
        foreach (var view in views) batch.Apply(view);

        var changes = batch.ToChangeSet(logged[^1].Sequence) with { StartPosition = position };
        try
        {
            await store.CommitAsync(changes, cancellationToken);
        }
        catch (PipelineConflictException)
        {
            _position = null; // another pipeline got there first: re-read the position and go on from there
            return logged.Count;
        }
        _position = changes.Position;
        ProfilesChanged?.Invoke(changes.Profiles);
        return logged.Count;
    }

    /// <summary>Processes until the log has nothing more; returns the number of events applied.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        int applied;
        while ((applied = await ProcessNextBatchAsync(cancellationToken)) > 0) total += applied;
        return total;
    }

    /// <summary>
    /// Applies a <see cref="MergeUndoRequest"/>: the merged-away profile lives again with its identities and events,
    /// both profiles are folded again from their events, both are queued for segment re-evaluation, and waiting
    /// journeys started by a moved event move with it (rules: <see cref="MergeUndoPlanner"/>). One transaction that
    /// also moves the position past the request; a request that cannot be applied is recorded as a refusal.
    /// </summary>
    private async Task<int> UndoMergeAsync(EventView request, long mergeId, long position, CancellationToken cancellationToken)
    {
        var (undo, refusal) = await PlanUndoAsync(mergeId, position, request.Logged.Sequence, cancellationToken);
        try
        {
            if (undo is not null) await store.CommitUndoAsync(undo, cancellationToken);
            else
            {
                var skipped = new ProfileChangeSet([], [], [], [], [], request.Logged.Sequence) { StartPosition = position,
                    Refusals = [new ProfileRefusal(null, ProfileRefusalKinds.Undo, $"merge {mergeId} not undone: {refusal}", request.Logged.Sequence,
                        request.Event.MessageId, request.Event.ReceivedAt)] };
                await store.CommitAsync(skipped, cancellationToken);
            }
        }
        catch (PipelineConflictException)
        {
            _position = null;
            return 1;
        }
        _position = request.Logged.Sequence;
        if (undo is not null) ProfilesChanged?.Invoke([undo.Survivor, undo.Restored]);
        return 1;
    }

    private async Task<(MergeUndo? Undo, string? Refusal)> PlanUndoAsync(long mergeId, long position, long requestSequence, CancellationToken ct)
    {
        var record = await store.GetMergeAsync(mergeId, ct);
        if (record is null) return (null, "there is no such merge");
        if (UndoRefusal(record) is { } why) return (null, why);
        var loser = await store.GetStoredProfileAsync(record.Merge.LoserId, ct);
        var survivor = loser?.MergedInto is { } into ? await store.GetStoredProfileAsync(into, ct) : null;
        if (loser is null || survivor is null || survivor.MergedInto is not null) return (null, $"profile {record.Merge.LoserId} is not merged into a live profile");
        var events = await store.AllProfileEventsAsync(survivor.Id, ct);
        var runs = await store.WaitingRunsAsync([survivor.Id, loser.Id], ct);
        var undo = new MergeUndoPlanner(reducer).Plan(record, loser, survivor, events, runs, position, time.GetUtcNow());
        return (undo with { Position = requestSequence }, null);
    }

    /// <summary>Why <paramref name="record"/> cannot be undone as it stands, or null when it can.</summary>
    public static string? UndoRefusal(MergeRecord record) =>
        record.Merge.UndoneAt is { } at ? $"it was undone at {at:O}"
        : record.Merge.Sequence == 0 ? "it was recorded before Tailor kept what an undo needs"
        : null;
}
