using System.Globalization;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Pipeline;

/// <summary>
/// Reads the event log in order and folds each event into its profile. Each batch is committed together with the
/// log position, so a crash between batches loses nothing and a restart never applies an event twice.
/// One pipeline runs per store. An event that cannot be folded is set aside (<see cref="SetAsideNextAsync"/>) in the
/// dead-letter store, in the same commit that moves the position past it.
/// </summary>
/// <remarks>
/// With the fold split by profile key (docs/scale.md), the same pipeline runs as the identity stage
/// (<see cref="FoldStage.Identities"/>): it resolves each event to its profile and reduces nothing, and the
/// <see cref="FoldPartition"/>s reduce after it. A merge undo then waits until every partition has reached it.
/// </remarks>
/// <param name="runs">Only for undoing a merge: the waiting journey runs that move with the events they started.</param>
/// <param name="suppressions">Drops events of erased people (docs/privacy.md, "Erasure"), when given.</param>
/// <param name="stage"><see cref="FoldStage.Whole"/>, or <see cref="FoldStage.Identities"/> for the identity stage of a split fold.</param>
public sealed class ProfilePipeline(IEventLog log, IPositionStore positions, IProfileStore profiles, IMergeStore merges, ITriggerStore runs, ProfileReducer reducer, TimeProvider time, int batchSize = ProfilePipeline.DefaultBatchSize,
    IStageProbe? probe = null, Privacy.SuppressionFilter? suppressions = null, FoldStage stage = FoldStage.Whole) : IDisposable
{
    /// <summary>
    /// Events per commit. A commit writes the changed profiles, identity links and one narrow assignment row per event
    /// (the log rows are never rewritten), so 2,000 events hold a single-writer store for tens of milliseconds.
    /// </summary>
    public const int DefaultBatchSize = 2000;

    /// <summary>The dead-letter stage of events the fold set aside, whole or split (a replay appends them again, for every stage).</summary>
    public const string Stage = "profiles";

    private readonly SemaphoreSlim _gate = new(1, 1); // batches and replays write profiles one at a time
    private long? _position;
    private readonly ProfileWorkingSet _working = new();

    /// <summary>Raised after each committed batch with the profiles it changed (merged-away ones included).</summary>
    public event Action<IReadOnlyList<Profile>>? ProfilesChanged;

    /// <summary>Events per batch.</summary>
    public int BatchSize => batchSize;

    /// <summary>The name of its position and of its dead letters: <see cref="Followers.Profiles"/>, or <see cref="Followers.Identities"/> as the identity stage.</summary>
    public string Name { get; } = stage switch
    {
        FoldStage.Whole => Followers.Profiles,
        FoldStage.Identities => Followers.Identities,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "A pipeline folds whole or resolves identities; partitions reduce (FoldPartition)."),
    };

    /// <summary>Whether it is the identity stage of a split fold.</summary>
    public bool ResolvesOnly => stage == FoldStage.Identities;

    public async Task<long> PositionAsync(CancellationToken cancellationToken)
    {
        if (_position is { } known) return known;
        // Folding whole a store whose fold is split would apply every event a second time, beside the partitions.
        if (!ResolvesOnly && await positions.FoldPartitionsAsync(cancellationToken) is var split and > 1)
            throw new InvalidOperationException($"The profile fold of this store is split into {split} partitions: start Tailor with Tailor:FoldPartitions = {split} (the number is fixed for the life of the data).");
        return (_position = await positions.PositionAsync(Name, cancellationToken)).Value;
    }

    /// <summary>Raises <see cref="ProfilesChanged"/> for profiles a partition of the split fold committed.</summary>
    public void Announce(IReadOnlyList<Profile> changed) => ProfilesChanged?.Invoke(changed);

    /// <summary>Processes one batch; returns how many events it applied (0 when caught up).</summary>
    public Task<int> ProcessNextBatchAsync(CancellationToken cancellationToken) => ProcessNextBatchAsync(batchSize, cancellationToken);

    /// <summary>Processes one batch of at most <paramref name="max"/> events; returns how many it applied (0 when caught up).</summary>
    public async Task<int> ProcessNextBatchAsync(int max, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try { return await ProcessLockedAsync(max, cancellationToken); }
        finally { _gate.Release(); }
    }

    private async Task<int> ProcessLockedAsync(int max, CancellationToken cancellationToken)
    {
        var position = await PositionAsync(cancellationToken);
        var logged = await log.ReadSealedAfterAsync(position, max, cancellationToken);
        if (logged.Count == 0) return 0;
        for (var i = 0; i < logged.Count; i++)
        {
            if (!MergeUndoRequest.IsRequest(logged[i].Event)) continue;
            // An undo runs alone: the events before it make one batch, the events after it the next.
            if (i == 0) return await UndoMergeAsync(EventView.Parse(log.Open(logged[0])), position, cancellationToken);
            logged = [.. logged.Take(i)];
            break;
        }
        ProfileChangeSet changes;
        IReadOnlyCollection<Profile> touched;
        try
        {
            (changes, touched) = await FoldAsync(logged, position, cancellationToken);
            await profiles.CommitAsync(changes, cancellationToken);
        }
        catch (PositionConflictException)
        {
            _position = null; // another pipeline got there first: re-read the position and go on from there
            _working.Clear(); // ... and the profiles it wrote
            return logged.Count;
        }
        catch
        {
            _position = null; // a failed commit may have come from a stale position
            _working.Clear(); // the fold changed held profiles in place; the store has the truth
            throw;
        }
        _position = changes.Position.To;
        _working.Committed(touched);
        // The identity stage holds no profile state (the partitions announce what they fold); a merge it recorded
        // reaches the caches when the survivor's partition completes it.
        if (!ResolvesOnly) ProfilesChanged?.Invoke([.. touched]);
        return logged.Count;
    }

    /// <summary>The batch's changes, and the profiles it changed as the working set must now hold them.</summary>
    private async Task<(ProfileChangeSet Changes, IReadOnlyCollection<Profile> Touched)> FoldAsync(IReadOnlyList<LoggedEvent> logged, long position, CancellationToken cancellationToken)
    {
        var views = new EventView[logged.Count];
        for (var i = 0; i < logged.Count; i++)
            views[i] = FoldView(log, logged[i]);
        List<long> dropped = [];
        if (suppressions is not null) views = await suppressions.FilterAsync(views, dropped, cancellationToken);
        var owners = await _working.OwnersAsync(IdentityResolver.IdentitiesOf(views, reducer.Limits), profiles, cancellationToken);
        if (ResolvesOnly)
        {
            var resolution = new ResolutionBatch(owners, reducer.Limits, time.GetUtcNow());
            foreach (var view in views)
            {
                probe?.BeforeItem(Name, view.Logged.Sequence.ToString(CultureInfo.InvariantCulture));
                resolution.Apply(view);
            }
            return (resolution.ToChangeSet(position, logged[^1].Sequence) with { Suppressed = dropped }, resolution.Touched);
        }
        var batch = new ProfileBatch(owners, reducer, time.GetUtcNow());
        foreach (var view in views)
        {
            probe?.BeforeItem(Stage, view.Logged.Sequence.ToString(CultureInfo.InvariantCulture));
            batch.Apply(view);
        }
        var changes = batch.ToChangeSet(position, logged[^1].Sequence) with { Suppressed = dropped };
        return (changes, changes.Profiles);
    }

    /// <summary>
    /// An event as the fold reads it: as stored, opened (and parsed again) only when the fold reads a part that can hold
    /// a sealed value (<see cref="ProfileBatch.NeedsOpenedPayload"/>). Shared by the whole fold and its partitions.
    /// </summary>
    internal static EventView FoldView(IEventLog log, LoggedEvent logged)
    {
        var view = EventView.Parse(logged);
        return ProfileBatch.NeedsOpenedPayload(view) && log.Open(logged) is var opened && !ReferenceEquals(opened.Event.Payload, logged.Event.Payload)
            ? EventView.Parse(opened)
            : view;
    }

    /// <summary>
    /// Runs <paramref name="work"/> while no batch is folding and forgets the working set before and after: for writes to
    /// profiles made beside the pipeline (an erasure), which the held profiles must not outlive.
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        FoldPartition[] partitions;
        lock (_partitions) partitions = [.. _partitions];
        var paused = new List<FoldPartition>(partitions.Length);
        try
        {
            // Split, this node's partitions pause too: none commits (or announces) a profile read before the work.
            foreach (var partition in partitions)
            {
                await partition.PauseAsync(cancellationToken);
                paused.Add(partition);
            }
            _working.Clear();
            return await work(cancellationToken);
        }
        finally
        {
            _working.Clear();
            foreach (var partition in paused) partition.Resume();
            _gate.Release();
        }
    }

    private readonly List<FoldPartition> _partitions = [];

    /// <summary>A partition of the split fold on this node, paused with the identity stage by <see cref="ExclusiveAsync"/>.</summary>
    public void Attach(FoldPartition partition)
    {
        lock (_partitions) _partitions.Add(partition);
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
    /// Sets the next event aside instead of folding it: stores it as a dead letter in the commit that moves the
    /// position past it. Returns the entry, or null when the log had nothing after the position.
    /// </summary>
    public async Task<DeadLetter?> SetAsideNextAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _position = null; // read again, through the guard: a whole fold on a split store sets nothing aside
            var position = await PositionAsync(cancellationToken);
            _working.Clear();
            var next = await log.ReadAfterAsync(position, 1, cancellationToken);
            if (next.Count == 0) return null;
            var e = next[0];
            var letter = DeadLetter.For(Stage, e.Sequence.ToString(CultureInfo.InvariantCulture), e.Event.SourceId, e.Event.Payload, error, attempts, time.GetUtcNow());
            await profiles.CommitAsync(new ProfileChangeSet([], [], [], [], [], Move(position, e.Sequence)) { DeadLetters = [letter] }, cancellationToken);
            _position = e.Sequence;
            return letter;
        }
        catch
        {
            _position = null;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies a <see cref="MergeUndoRequest"/>: the merged-away profile lives again with its identities and events,
    /// both profiles are folded again from their events, both are queued for segment re-evaluation, and waiting
    /// journeys started by a moved event move with it (rules: <see cref="MergeUndoPlanner"/>). One transaction that
    /// also moves the position past the request; a request that cannot be applied is recorded as a refusal.
    /// </summary>
    private async Task<int> UndoMergeAsync(EventView request, long position, CancellationToken cancellationToken)
    {
        if (!MergeUndoRequest.TryRead(request, out var mergeId)) mergeId = 0;
        // Split, the undo rewrites both profiles' state: it waits until every partition has folded every event before it.
        // (Up to its own position, not the request's sequence − 1: the log has gaps, which no partition ever reaches.)
        if (ResolvesOnly && await positions.FoldedUpToAsync(cancellationToken) < position) return 0;
        _working.Clear(); // an undo rewrites two profiles and their identities outside the fold
        try
        {
            var (undo, refusal) = await PlanUndoAsync(mergeId, position, request.Logged.Sequence, cancellationToken);
            if (undo is not null) await merges.CommitUndoAsync(undo, cancellationToken);
            else
            {
                var skipped = new ProfileChangeSet([], [], [], [], [], Move(position, request.Logged.Sequence)) {
                    Refusals = [new ProfileRefusal(null, ProfileRefusalKinds.Undo, $"merge {mergeId} not undone: {refusal}", request.Logged.Sequence,
                        request.Event.MessageId, request.Event.ReceivedAt)] };
                await profiles.CommitAsync(skipped, cancellationToken);
            }
            _position = request.Logged.Sequence;
            if (undo is not null) ProfilesChanged?.Invoke([undo.Survivor, undo.Restored]);
            return 1;
        }
        catch (PositionConflictException)
        {
            _position = null;
            return 1;
        }
        catch
        {
            _position = null;
            throw;
        }
    }

    private async Task<(MergeUndo? Undo, string? Refusal)> PlanUndoAsync(long mergeId, long position, long requestSequence, CancellationToken ct)
    {
        var record = await merges.GetMergeAsync(mergeId, ct);
        if (record is null) return (null, "there is no such merge");
        if (UndoRefusal(record) is { } why) return (null, why);
        var loser = await merges.GetStoredProfileAsync(record.Merge.LoserId, ct);
        var survivor = loser?.MergedInto is { } into ? await merges.GetStoredProfileAsync(into, ct) : null;
        if (loser is null || survivor is null || survivor.MergedInto is not null) return (null, $"profile {record.Merge.LoserId} is not merged into a live profile");
        var events = await merges.AllProfileEventsAsync(survivor.Id, ct);
        var waiting = await runs.WaitingRunsAsync([survivor.Id, loser.Id], ct);
        var undo = new MergeUndoPlanner(reducer).Plan(record, loser, survivor, events, waiting, position, time.GetUtcNow());
        return (undo with { Position = new PositionMove(Name, position, Math.Max(requestSequence, position)) }, null);
    }

    /// <summary>Why <paramref name="record"/> cannot be undone as it stands, or null when it can.</summary>
    public static string? UndoRefusal(MergeRecord record) =>
        record.Merge.UndoneAt is { } at ? $"it was undone at {at:O}"
        : record.Merge.Sequence == 0 ? "it was recorded before Tailor kept what an undo needs"
        : null;

    private PositionMove Move(long from, long to) => new(Name, from, to);

    public void Dispose() => _gate.Dispose();
}
