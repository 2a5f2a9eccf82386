using System.Globalization;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Pipeline;

/// <summary>
/// One partition of a fold split by profile key (docs/scale.md, "The fold partitioned by profile key"): in log order,
/// it reduces the events the identity stage (<see cref="ProfilePipeline"/> as <see cref="FoldStage.Identities"/>)
/// assigned to its profiles, and completes the merges whose survivors it holds. Each batch is committed together with
/// the partition's own position, so, as with the whole fold, a crash loses nothing and nothing is applied twice.
/// </summary>
/// <remarks>
/// A merge at log position s, of a loser held by another partition, waits until that partition has passed s − 1: then
/// every event of the loser is folded into it (the identity stage assigns the loser's later events to the survivor),
/// and its state can move. A partition only ever waits for another to reach a position below its own next one, so the
/// partition furthest behind never waits, and the waits cannot deadlock. Profiles are read from the store for each
/// batch, not held: a merge or its undo may change them from another partition.
/// </remarks>
public sealed class FoldPartition(int index, int count, IEventLog log, IPositionStore positions, IProfileStore profiles, ProfileReducer reducer, TimeProvider time,
    int batchSize = ProfilePipeline.DefaultBatchSize, IStageProbe? probe = null) : IDisposable
{
    private readonly ProfilePartitioner _partitioner = new(count);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Its position's name, <c>profiles/index</c>, also its dead letters' stage.</summary>
    public string Name { get; } = Followers.ProfilePartition(index);

    /// <summary>How many partitions the fold is split into.</summary>
    public int Partitions => count;

    /// <summary>Assignments read per batch (of every partition: the others are skipped).</summary>
    public int BatchSize => batchSize;

    /// <summary>Raised after each committed batch with the profiles it changed (merged-away ones included).</summary>
    public event Action<IReadOnlyList<Profile>>? ProfilesChanged;

    /// <summary>Waits until no batch runs and holds the next one back, until <see cref="Resume"/> (an erasure beside the fold).</summary>
    public Task PauseAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    public void Resume() => _gate.Release();

    /// <summary>Whether <paramref name="profileId"/> is one of its profiles.</summary>
    public bool Owns(string profileId) => _partitioner.PartitionOf(profileId) == index;

    /// <summary>
    /// Reduces the next batch of at most <paramref name="max"/> assignments; returns how much it did, 0 when the identity
    /// stage has resolved nothing more or a merge waits for another partition.
    /// </summary>
    public Task<int> ProcessNextBatchAsync(int max, CancellationToken cancellationToken) => StepAsync(max, null, cancellationToken);

    /// <summary>
    /// Sets the next assigned event of its profiles aside instead of reducing it, in the commit that moves the position
    /// past it. A merge due at that position is left undone too (it may be what failed): the survivor holds the loser's
    /// identities from then on, the loser keeps its state.
    /// </summary>
    public Task<int> SetAsideNextAsync(Exception error, int attempts, CancellationToken cancellationToken) => StepAsync(1, (error, attempts), cancellationToken);

    private async Task<int> StepAsync(int max, (Exception Error, int Attempts)? setAside, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try { return await StepLockedAsync(max, setAside, cancellationToken); }
        catch (PositionConflictException) { return 1; } // another holder of this partition committed first: the next step re-reads
        finally { _gate.Release(); }
    }

    private async Task<int> StepLockedAsync(int max, (Exception Error, int Attempts)? setAside, CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(Name, cancellationToken);
        var resolved = await positions.PositionAsync(Followers.Identities, cancellationToken);
        if (resolved <= position) return 0;

        // The next slice of assignments, then the merges within it: those this partition completes first, and where the
        // batch must stop, before its next merge (read within the slice: a catch-up's backlog is not read at every step).
        var slice = await profiles.ResolvedEventsAsync(position, resolved, max, Owns, cancellationToken);
        var due = new List<ProfileMerge>();
        var end = slice.ReadTo;
        foreach (var merge in await profiles.MergesResolvedAsync(position, slice.ReadTo, cancellationToken))
        {
            if (!Owns(merge.WinnerId)) continue;
            if (merge.Sequence != position + 1) { end = merge.Sequence - 1; break; }
            due.Add(merge);
        }
        foreach (var merge in due)
        {
            var holder = _partitioner.PartitionOf(merge.LoserId);
            if (holder != index && await positions.PositionAsync(Followers.ProfilePartition(holder), cancellationToken) < merge.Sequence - 1)
                return 0; // the loser's partition has not folded all its events yet: woken when it commits
        }
        var events = end == slice.ReadTo ? slice.Events : [.. slice.Events.Where(e => e.Logged.Sequence <= end)];

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var merge in due) { ids.Add(merge.WinnerId); ids.Add(merge.LoserId); }
        foreach (var e in events) ids.Add(e.ProfileId);
        // With a merge, the profiles come with their identities: the survivor's announcement then tells the caches
        // where the loser's identities point now.
        var batch = new ReductionBatch(await profiles.LoadProfilesAsync(ids, withIdentities: due.Count > 0, cancellationToken), reducer, time.GetUtcNow());
        if (setAside is null) foreach (var merge in due) batch.Merge(merge);
        List<DeadLetter> letters = [];
        foreach (var e in events)
        {
            if (setAside is { } failed)
            {
                var stored = e.Logged.Event;
                letters.Add(DeadLetter.For(ProfilePipeline.Stage, e.Logged.Sequence.ToString(CultureInfo.InvariantCulture), stored.SourceId, stored.Payload, failed.Error, failed.Attempts, time.GetUtcNow()));
                continue;
            }
            probe?.BeforeItem(Name, e.Logged.Sequence.ToString(CultureInfo.InvariantCulture));
            batch.Apply(e.ProfileId, ProfilePipeline.FoldView(log, e.Logged));
        }
        var changes = batch.ToChangeSet(new PositionMove(Name, position, end)) with { DeadLetters = letters };
        await profiles.CommitAsync(changes, cancellationToken);
        if (changes.Profiles.Count > 0) ProfilesChanged?.Invoke(changes.Profiles);
        return Math.Max(1, events.Count); // the position moved: the next step has more to read, or the readers of the fold do
    }

    public void Dispose() => _gate.Dispose();
}
