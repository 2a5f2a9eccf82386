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
    : IDisposable
{
    private const int UndoAttempts = 5;
    private readonly SemaphoreSlim _gate = new(1, 1); // an undo must not interleave with a batch that loaded the same profiles

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
        await _gate.WaitAsync(cancellationToken);
        try { return await ProcessNextBatchLockedAsync(cancellationToken); }
        finally { _gate.Release(); }
    }

    private async Task<int> ProcessNextBatchLockedAsync(CancellationToken cancellationToken)
    {
        var position = await PositionAsync(cancellationToken);
        var logged = await store.ReadAfterAsync(position, batchSize, cancellationToken);
        if (logged.Count == 0) return 0;

        var views = new EventView[logged.Count];
        for (var i = 0; i < logged.Count; i++) views[i] = EventView.Parse(logged[i]);

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
    /// Undoes merge <paramref name="mergeId"/>: the merged-away profile lives again with its identities and events,
    /// both profiles are folded again from their events, the segment engine is asked to re-evaluate both, and waiting
    /// journeys started by a moved event move with it (rules: <see cref="MergeUndoPlanner"/>). One transaction,
    /// between two batches of this pipeline; a batch committed by another node meanwhile makes it plan again.
    /// </summary>
    public async Task<MergeUndoResult> UndoMergeAsync(long mergeId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var record = await store.GetMergeAsync(mergeId, cancellationToken);
                if (record is null) return new(MergeUndoStatus.NotFound);
                if (record.Merge.UndoneAt is not null) return new(MergeUndoStatus.AlreadyUndone, $"merge {mergeId} was undone at {record.Merge.UndoneAt:O}", record.Merge);
                if (record.Merge.Sequence == 0)
                    return new(MergeUndoStatus.Conflict, $"merge {mergeId} was recorded before Tailor kept what an undo needs", record.Merge);
                var loser = await store.GetStoredProfileAsync(record.Merge.LoserId, cancellationToken);
                var survivor = loser?.MergedInto is { } into ? await store.GetStoredProfileAsync(into, cancellationToken) : null;
                if (loser is null || survivor is null || survivor.MergedInto is not null)
                    return new(MergeUndoStatus.Conflict, $"profile {record.Merge.LoserId} is not merged into a live profile", record.Merge);

                var position = await store.PipelinePositionAsync(cancellationToken);
                var events = await store.AllProfileEventsAsync(survivor.Id, cancellationToken);
                var runs = await store.WaitingRunsAsync([survivor.Id, loser.Id], cancellationToken);
                var undo = new MergeUndoPlanner(reducer).Plan(record, loser, survivor, events, runs, position, time.GetUtcNow());
                try
                {
                    await store.CommitUndoAsync(undo, cancellationToken);
                }
                catch (PipelineConflictException) when (attempt < UndoAttempts)
                {
                    continue; // another node committed a batch or undid it first: read again
                }
                _position = null;
                ProfilesChanged?.Invoke([undo.Survivor, undo.Restored]);
                var merge = record.Merge with { UndoneAt = undo.At, Undo = undo.Detail };
                return new(MergeUndoStatus.Undone, null, merge, undo);
            }
        }
        finally { _gate.Release(); }
    }

    public void Dispose() => _gate.Dispose();
}
