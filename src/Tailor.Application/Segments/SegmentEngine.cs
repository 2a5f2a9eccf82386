using Tailor.Core.Events;
using Tailor.Core.Limits;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;

namespace Tailor.Application.Segments;

/// <summary>
/// Keeps segment membership current. Incremental: after the profile pipeline applies events, only the segments that
/// read what changed are re-evaluated, for those profiles only. Exact in time: each evaluation also yields the moment
/// the answer could next change by time alone (an event leaving a window); that moment is stored as a timer and the
/// profile is re-evaluated then, and the change is recorded at that moment. Like the profile pipeline, it follows the
/// event log with its own position, committed with its changes, so it resumes exactly after a crash.
/// </summary>
public sealed class SegmentEngine(ISegmentStore store, IPositionStore positions, IProfileStore profiles, TimeProvider time, Core.Pipeline.IStageProbe? probe = null, DefinitionLimits? limits = null) : IDisposable
{
    /// <summary>Events (or due timers) per commit.</summary>
    public const int BatchSize = 2000;

    /// <summary>The dead-letter stage of events and timers the engine set aside.</summary>
    public const string Stage = "segments";

    private readonly DefinitionLimits _limits = limits ?? DefinitionLimits.Default;
    private const int PageSize = 500;

    /// <summary>
    /// Profiles per commit of a full recompute: each commit is a durable write with its own statements, and at 500 a
    /// commit they took about 40 % of a recompute (issue 17, BENCHMARKS.md). The page holds the engine's gate, so
    /// incremental batches and timers wait one page at most: about 0.2 s at 1 M profiles / 20 M events on the
    /// benchmark machine (0.02 s at 500). A recompute is occasional (a segment created or edited); its length
    /// mattered more.
    /// </summary>
    private const int RecomputePage = 5000;
    private readonly PopulationStats _stats = new(store, time);
    private readonly SemaphoreSlim _gate = new(1, 1); // one membership writer at a time: worker, timers and recomputes interleave by batch
    private long? _position;

    public SegmentCatalog Catalog => _catalog.Current;

    private readonly VersionedCatalog<SegmentCatalog> _catalog = new(SegmentCatalog.Empty);

    /// <summary>Raised after membership changes are committed.</summary>
    public event Action<IReadOnlyList<MembershipChange>>? MembershipChanged;

    /// <summary>Raised when a reload finds a stored segment it must disable (each one once per reason).</summary>
    public event Action<SegmentDefinition>? SegmentDisabled;

    private readonly HashSet<(string, string)> _reported = [];

    /// <summary>Reloads the segment definitions (after one is created, changed or deleted); stored ones that cannot load are disabled.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var version = await store.DefinitionsVersionAsync(cancellationToken); // read first: a save after it moves it again
        var catalog = SegmentCatalog.Load(await store.ListSegmentsAsync(cancellationToken), _limits);
        _catalog.Publish(catalog, version);
        foreach (var d in catalog.Disabled)
            lock (_reported)
                if (_reported.Add((d.Id, d.Disabled!))) SegmentDisabled?.Invoke(d);
    }

    /// <summary>
    /// Reloads when a segment was saved or deleted since the catalog was read, through any node or the CLI. Called after
    /// the batch's bounds are read: a segment saved before an event was accepted is then always in the catalog that sees it.
    /// </summary>
    public async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_catalog.IsStale(await store.DefinitionsVersionAsync(cancellationToken))) await ReloadAsync(cancellationToken);
    }

    /// <summary>Re-evaluates the profiles of the next batch of events the profile pipeline has applied; returns how many events it covered.</summary>
    public Task<int> ProcessNextBatchAsync(CancellationToken cancellationToken) => ProcessNextBatchAsync(BatchSize, cancellationToken);

    /// <summary>As <see cref="ProcessNextBatchAsync(CancellationToken)"/>, covering at most <paramref name="max"/> events.</summary>
    public async Task<int> ProcessNextBatchAsync(int max, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try { return await ProcessNextBatchLockedAsync(max, cancellationToken); }
        catch { _position = null; throw; }
        finally { _gate.Release(); }
    }

    private async Task<int> ProcessNextBatchLockedAsync(int max, CancellationToken cancellationToken)
    {
        var position = _position ??= await positions.PositionAsync(Followers.Segments, cancellationToken);
        var upTo = await positions.FoldedUpToAsync(cancellationToken);
        if (upTo <= position) return 0;
        await ReloadIfChangedAsync(cancellationToken);
        // With no segment, no profile has a membership to change: the position moves past the events unread (issue 17:
        // reading every event's summary for nothing cost the server CPU under load).
        if (Catalog.InOrder.Count == 0)
        {
            var past = new PositionMove(Followers.Segments, position, upTo);
            await CommitStepAsync(new Pending(), past, cancellationToken);
            return past.Covered;
        }
        var events = await store.AssignedEventSummariesAsync(position, upTo, max, cancellationToken);
        var newPosition = events.Count == max ? events[^1].Sequence : upTo;

        var byProfile = new Dictionary<string, Changed>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            probe?.BeforeItem(Stage, EventKey(e.Sequence));
            if (!byProfile.TryGetValue(e.ProfileId, out var changed)) byProfile[e.ProfileId] = changed = new Changed();
            changed.Names.Add(CountedName(e));
            changed.Inputs |= e.Inputs;
            // A merge gave the survivor the other profile's history: every segment. A new profile was in no segment
            // yet: also those a profile can meet without what they name ("not performed ...", "trait plan != ...").
            changed.Everything |= e.Merged;
            changed.New |= e.First;
        }

        var catalog = Catalog;
        await _stats.RefreshAsync(catalog.TopPercentTerms, cancellationToken);
        var now = time.GetUtcNow();
        var update = new Pending();
        var work = new Dictionary<string, IReadOnlyList<SegmentCatalog.Compiled>>(StringComparer.Ordinal);
        // Profiles with the same changes share one list of affected segments (and so one snapshot scope).
        var lists = new Dictionary<string, IReadOnlyList<SegmentCatalog.Compiled>>(StringComparer.Ordinal);
        foreach (var (profileId, changed) in byProfile)
        {
            // Only the segments that read what the events changed: their names, the computed traits they move,
            // and traits, consent or tags only when an event carried them.
            var key = changed.Everything ? "*" : $"{(int)changed.Inputs}{(changed.New ? "+" : "")}\n{string.Join('\n', changed.Names.Order(StringComparer.Ordinal))}";
            if (!lists.TryGetValue(key, out var affected))
                lists[key] = affected = changed.Everything ? catalog.InOrder : catalog.Affected(changed.Names, changed.Inputs, changed.New);
            if (affected.Count > 0) work[profileId] = affected;
        }
        await EvaluateAsync(work, now, update, cancellationToken);
        await CommitStepAsync(update, new PositionMove(Followers.Segments, position, newPosition), cancellationToken);
        return Math.Max(events.Count, 1);
    }

    /// <summary>Commits a batch step with its position move, and keeps the position it reached.</summary>
    private async Task CommitStepAsync(Pending update, PositionMove move, CancellationToken ct)
    {
        try
        {
            await CommitAsync(update, move, ct);
            _position = move.To;
        }
        catch (PositionConflictException)
        {
            _position = null; // another engine (another node) covered these events first
        }
    }

    /// <summary>Re-evaluates every profile whose timer is due by now, as of the timer's moment; returns how many timers fired.</summary>
    public Task<int> FireDueTimersAsync(CancellationToken cancellationToken) => FireDueTimersAsync(BatchSize, cancellationToken);

    /// <summary>As <see cref="FireDueTimersAsync(CancellationToken)"/>, firing at most <paramref name="max"/> timers.</summary>
    public async Task<int> FireDueTimersAsync(int max, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try { return await FireDueTimersLockedAsync(max, cancellationToken); }
        finally { _gate.Release(); }
    }

    private async Task<int> FireDueTimersLockedAsync(int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.DueTimersAsync(now, max, cancellationToken);
        if (due.Count == 0) return 0;
        await ReloadIfChangedAsync(cancellationToken);
        var catalog = Catalog;
        await _stats.RefreshAsync(catalog.TopPercentTerms, cancellationToken);
        var update = new Pending();
        var work = new Dictionary<string, IReadOnlyList<SegmentCatalog.Compiled>>(StringComparer.Ordinal);
        var moments = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var groups = due.GroupBy(t => t.ProfileId).ToList();
        foreach (var timers in groups)
        {
            foreach (var t in timers) probe?.BeforeItem(Stage, TimerKey(t));
            // The answer can only have changed at the earliest due moment; evaluating there records the change exactly then.
            moments[timers.Key] = timers.Min(t => t.DueAt!.Value);
            work[timers.Key] = catalog.WithDependents(timers.Select(t => t.SegmentId));
            foreach (var t in timers)
                if (catalog.ById(t.SegmentId) is null) update.Timers.Add(t with { DueAt = null }); // segment deleted
        }
        // One snapshot read for all of them, each profile evaluated at its own moment.
        await EvaluateAsync(work, moments.Values.Min(), update, cancellationToken, moments);
        var written = update.Timers.Select(t => (t.SegmentId, t.ProfileId)).ToHashSet();
        foreach (var timers in groups)
        {
            var at = moments[timers.Key];
            foreach (var t in timers)
            {
                // A timer that fired and was not re-set (the answer is now stable) must not fire again; a later one
                // of the same profile that the evaluation left in place stays.
                if (t.DueAt <= at && !written.Contains((t.SegmentId, t.ProfileId)))
                    update.Timers.Add(t with { DueAt = null });
            }
        }
        try
        {
            // Claimed: the timers evaluated at their own moment (a later one of the same profile only waits for its turn).
            var fired = due.Where(t => t.DueAt <= moments[t.ProfileId]).ToList();
            await store.ApplyMembershipAsync(new MembershipUpdate(update.Changes, update.Timers) { Fired = fired }, cancellationToken);
        }
        catch (PositionConflictException)
        {
            return due.Count; // another node fired one of them first: nothing was written; read what is due again
        }
        if (update.Changes.Count > 0) MembershipChanged?.Invoke(update.Changes);
        return due.Count;
    }

    /// <summary>
    /// Sets aside the next event the engine has not covered (the one a batch of one failed on): records it as a dead
    /// letter and moves the position past it. Returns the entry, or null when there is no such event.
    /// </summary>
    public async Task<DeadLetter?> SetAsideNextEventAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _position = null;
            var position = await positions.PositionAsync(Followers.Segments, cancellationToken);
            var upTo = await positions.FoldedUpToAsync(cancellationToken);
            var events = upTo <= position ? [] : await store.AssignedEventSummariesAsync(position, upTo, 1, cancellationToken);
            if (events.Count == 0) return null;
            var e = events[0];
            var payload = System.Text.Json.JsonSerializer.Serialize(new { sequence = e.Sequence, profileId = e.ProfileId, type = e.Type, name = e.Name });
            var letter = DeadLetter.For(Stage, EventKey(e.Sequence), null, payload, error, attempts, time.GetUtcNow());
            await store.ApplyMembershipAsync(new MembershipUpdate([], [], new PositionMove(Followers.Segments, position, e.Sequence)) { DeadLetters = [letter] }, cancellationToken);
            return letter;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets aside the next due timer (the one a batch of one failed on): records it as a dead letter and clears it. Null when none is due.</summary>
    public async Task<DeadLetter?> SetAsideNextTimerAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var due = await store.DueTimersAsync(time.GetUtcNow(), 1, cancellationToken);
            if (due.Count == 0) return null;
            var t = due[0];
            var payload = System.Text.Json.JsonSerializer.Serialize(new { segmentId = t.SegmentId, profileId = t.ProfileId, dueAt = t.DueAt });
            var letter = DeadLetter.For(Stage, TimerKey(t), null, payload, error, attempts, time.GetUtcNow());
            await store.ApplyMembershipAsync(new MembershipUpdate([], [t with { DueAt = null }]) { DeadLetters = [letter] }, cancellationToken);
            return letter;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Evaluates every segment for <paramref name="profileIds"/> as of now and commits what changed (a replay: running
    /// it again changes nothing more). Returns the membership changes.
    /// </summary>
    public async Task<IReadOnlyList<MembershipChange>> ReevaluateAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken)
    {
        var catalog = Catalog;
        if (catalog.InOrder.Count == 0 || profileIds.Count == 0) return [];
        await _stats.RefreshAsync(catalog.TopPercentTerms, cancellationToken);
        return (await EvaluateAndCommitAsync([.. profileIds.Distinct(StringComparer.Ordinal)], catalog.InOrder, cancellationToken)).Changes;
    }

    /// <summary>The dead-letter key of an event the engine follows.</summary>
    public static string EventKey(long sequence) => $"event:{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The dead-letter key of a timer.</summary>
    public static string TimerKey(SegmentTimer timer) => $"timer:{timer.SegmentId}:{timer.ProfileId}";

    /// <summary>
    /// Evaluates one segment (and the segments that refer to it) over every profile, e.g. after it was created or
    /// edited. Agrees exactly with incremental evaluation, which uses the same evaluator.
    /// </summary>
    public async Task<RecomputeResult> RecomputeAsync(string segmentId, IProgress<RecomputeProgress>? progress, CancellationToken cancellationToken)
    {
        var catalog = Catalog;
        var segments = catalog.WithDependents([segmentId]);
        if (segments.Count == 0) throw new KeyNotFoundException($"segment {segmentId} does not exist");
        await _stats.RefreshAsync(catalog.TopPercentTerms, cancellationToken);
        // Only profiles that can match (found by an index scan), are members or wait on a timer can change; when the
        // rules give no such narrowing (e.g. "not ..."), every profile is read.
        var candidates = await CandidatesAsync(segments, time.GetUtcNow(), cancellationToken);
        var total = candidates?.Count ?? await profiles.ProfileCountAsync(cancellationToken);
        long done = 0, entered = 0, exited = 0;
        string? after = null;
        var offset = 0;
        while (true)
        {
            IReadOnlyList<string> ids;
            if (candidates is null) ids = await store.ProfileIdsAsync(after, RecomputePage, cancellationToken);
            else ids = candidates.Skip(offset).Take(RecomputePage).ToList();
            if (ids.Count == 0) break;
            offset += ids.Count;
            var update = await EvaluateAndCommitAsync(ids, segments, cancellationToken);
            foreach (var change in update.Changes)
                if (change.Entered) entered++; else exited++;
            done += ids.Count;
            after = ids[^1];
            progress?.Report(new RecomputeProgress(done, Math.Max(total, done)));
        }
        return new RecomputeResult(done, entered, exited);
    }

    /// <summary>
    /// Evaluates <paramref name="segments"/> for <paramref name="ids"/> as of now and commits what changed (a page of a
    /// recompute, or a replay's profiles). A commit refused because one of the profiles was merged away after it was
    /// read (or a fold commit held its row) wrote nothing: they are read again, a few times at most.
    /// </summary>
    private async Task<Pending> EvaluateAndCommitAsync(IReadOnlyList<string> ids, IReadOnlyList<SegmentCatalog.Compiled> segments, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var update = new Pending();
            await _gate.WaitAsync(ct);
            try
            {
                await EvaluateAsync(ids.ToDictionary(id => id, _ => segments, StringComparer.Ordinal), time.GetUtcNow(), update, ct);
                await CommitAsync(update, null, ct);
                return update;
            }
            catch (PositionConflictException) when (attempt < MaxCommitAttempts)
            {
                // Nothing was written: read the page again.
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private const int MaxCommitAttempts = 5;

    private async Task<IReadOnlyList<string>?> CandidatesAsync(IReadOnlyList<SegmentCatalog.Compiled> segments, DateTimeOffset now, CancellationToken ct)
    {
        CandidateFilter? union = null;
        foreach (var segment in segments)
        {
            // The filter is taken at the start: later evaluations see shorter windows, so it stays a superset.
            if (CandidateFilter.Of(segment.EffectiveRule, now) is not { } filter) return null;
            union = union is null ? filter : new CandidateFilter.Either(union, filter);
        }
        return union is null ? null : await store.CandidateIdsAsync(union, [.. segments.Select(s => s.Id)], ct);
    }

    /// <summary>How many profiles a rule would match, estimated on a random sample when there are many, with examples.</summary>
    public async Task<SegmentPreview> PreviewAsync(Rule rule, int sampleSize, CancellationToken cancellationToken)
    {
        var catalog = Catalog;
        _ = new SegmentCatalog([.. catalog.InOrder.Select(c => c.Definition),
            new SegmentDefinition("preview", "\u0000preview", rule, null, 0, DateTimeOffset.MinValue, DateTimeOffset.MinValue)]); // validates references
        await _stats.RefreshAsync(catalog.TopPercentTerms, cancellationToken);
        var total = await profiles.ProfileCountAsync(cancellationToken);
        var ids = total <= sampleSize ? await AllProfileIdsAsync(cancellationToken) : await store.SampleProfileIdsAsync(sampleSize, cancellationToken);
        var dependencies = RuleDependencies.Of(rule);
        var now = time.GetUtcNow();
        var matched = new List<string>();
        foreach (var page in ids.Chunk(PageSize))
        {
            foreach (var snapshot in await store.SnapshotsAsync(page, SnapshotScopes.For([("preview", dependencies)], now), cancellationToken))
                if (RuleEvaluator.Evaluate(rule, Facts(snapshot), now).Matched) matched.Add(snapshot.Profile.Id);
        }
        var exact = ids.Count == total;
        var estimate = exact || ids.Count == 0 ? matched.Count : (long)Math.Round((double)matched.Count / ids.Count * total);
        return new SegmentPreview(estimate, exact, ids.Count, total, [.. matched.Take(10)]);
    }

    /// <summary>Why a profile matches a segment or not, condition by condition, as of now.</summary>
    public async Task<Explanation?> ExplainAsync(string segmentId, string profileId, CancellationToken cancellationToken)
    {
        var segment = Catalog.ById(segmentId) ?? throw new KeyNotFoundException($"segment {segmentId} does not exist");
        await _stats.RefreshAsync(Catalog.TopPercentTerms, cancellationToken);
        var profile = await profiles.GetProfileAsync(profileId, cancellationToken); // a merged-away id explains the survivor
        if (profile is null) return null;
        // Explained in full: every event of the names the rule reads, including those outside its windows.
        var snapshot = (await store.SnapshotsAsync([profile.Id], SnapshotScope.Full(segment.Dependencies.Events), cancellationToken)).Single();
        return RuleEvaluator.Explain(segment.EffectiveRule, Facts(snapshot), time.GetUtcNow());
    }

    private async Task<List<string>> AllProfileIdsAsync(CancellationToken ct)
    {
        var all = new List<string>();
        string? after = null;
        IReadOnlyList<string> page;
        while ((page = await store.ProfileIdsAsync(after, 1000, ct)).Count > 0)
        {
            all.AddRange(page);
            after = page[^1];
        }
        return all;
    }

    /// <summary>Rule facts from a snapshot; the segment names set is the profile's current memberships.</summary>
    private ProfileFacts Facts(ProfileSnapshot snapshot) => Facts(snapshot, out _);

    /// <param name="names">The set of segment names the facts hold; changing it changes what later rules see.</param>
    private ProfileFacts Facts(ProfileSnapshot snapshot, out HashSet<string> names)
    {
        names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in snapshot.Memberships)
            if (Catalog.ById(id) is { } c) names.Add(c.Name);
        return new ProfileFacts(snapshot.Profile, snapshot.Events, names, _stats, snapshot.Timeline);
    }

    /// <summary>
    /// Evaluates, for each profile, its segments (in catalog order) as of <paramref name="at"/>, reading the profiles'
    /// snapshots a page at a time.
    /// </summary>
    /// <param name="moments">Per profile, a later moment to evaluate it at instead (timers); the snapshot is read as of <paramref name="at"/>.</param>
    private async Task EvaluateAsync(IReadOnlyDictionary<string, IReadOnlyList<SegmentCatalog.Compiled>> work, DateTimeOffset at, Pending update, CancellationToken ct,
        IReadOnlyDictionary<string, DateTimeOffset>? moments = null)
    {
        // Profiles are read in groups that need the same snapshot (the same events, profile, timeline), so that a
        // profile whose events move one page-view segment does not read the order history another profile needs.
        var groups = new Dictionary<string, (List<string> Profiles, Dictionary<string, RuleDependencies> Segments)>(StringComparer.Ordinal);
        var keys = new Dictionary<IReadOnlyList<SegmentCatalog.Compiled>, string>(ReferenceEqualityComparer.Instance);
        foreach (var (profileId, segments) in work)
        {
            if (!keys.TryGetValue(segments, out var key))
                keys[segments] = key = ScopeKey(SnapshotScopes.For(segments.Select(s => (s.Id, s.Dependencies)), at));
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = ([], new Dictionary<string, RuleDependencies>(StringComparer.Ordinal));
            group.Profiles.Add(profileId);
            foreach (var s in segments) group.Segments.TryAdd(s.Id, s.Dependencies);
        }
        foreach (var (profileIds, evaluated) in groups.Values)
        {
            var scope = SnapshotScopes.For(evaluated.Select(e => (e.Key, e.Value)), at);
            // Merged-away profiles are not in the snapshots: the merge already removed their memberships.
            foreach (var page in profileIds.Chunk(PageSize))
            foreach (var snapshot in await store.SnapshotsAsync(page, scope, ct))
                Evaluate(snapshot, work[snapshot.Profile.Id], moments is not null && moments.TryGetValue(snapshot.Profile.Id, out var own) ? own : at, update);
        }
    }

    /// <summary>
    /// What a snapshot scope reads, as text: scopes with equal keys read the same rows (timers and the parts of the
    /// profile aside, which are unioned: a key per set of parts split a batch's snapshots into twice as many reads).
    /// </summary>
    private static string ScopeKey(SnapshotScope scope)
    {
        var key = new System.Text.StringBuilder();
        key.Append(scope.Profile == Core.Profiles.ProfileParts.None ? '-' : 'P').Append(scope.Timeline ? 'T' : '-');
        foreach (var (name, events) in scope.Events.OrderBy(e => e.Key, StringComparer.Ordinal))
            key.Append('\n').Append(name).Append('|').Append(events.Payload ? 'p' : '-').Append('|').Append(events.From?.UtcTicks);
        return key.ToString();
    }

    /// <summary>Evaluates one profile's segments (in catalog order) at <paramref name="moment"/> into <paramref name="update"/>.</summary>
    private void Evaluate(ProfileSnapshot snapshot, IReadOnlyList<SegmentCatalog.Compiled> segments, DateTimeOffset moment, Pending update)
    {
        var facts = Facts(snapshot, out var names); // names is updated as we go, so later segments see earlier results
        var profileId = snapshot.Profile.Id;
        foreach (var segment in segments)
        {
            var result = RuleEvaluator.Evaluate(segment.EffectiveRule, facts, moment);
            if (result.Matched != snapshot.Memberships.Contains(segment.Id))
            {
                update.Changes.Add(new MembershipChange(segment.Id, profileId, result.Matched, moment));
                if (result.Matched) names.Add(segment.Name); else names.Remove(segment.Name);
            }
            // A timer is written only when its moment moves: most evaluations leave it where it was.
            DateTimeOffset? pending = snapshot.Timers.TryGetValue(segment.Id, out var due) ? due : null;
            if ((segment.Dependencies.TimeWindows || result.NextChange is not null) && result.NextChange != pending)
                update.Timers.Add(new SegmentTimer(segment.Id, profileId, result.NextChange));
        }
    }

    private async Task CommitAsync(Pending update, PositionMove? position, CancellationToken ct)
    {
        await store.ApplyMembershipAsync(new MembershipUpdate(update.Changes, update.Timers, position), ct);
        if (update.Changes.Count > 0) MembershipChanged?.Invoke(update.Changes);
    }

    private static string CountedName(AssignedEventSummary e) =>
        EventTypes.TryParse(e.Type, out var type) ? CountedNames.Of(type, e.Name) : e.Name ?? "";

    public void Dispose() => _gate.Dispose();

    /// <summary>What a batch's events changed for one profile.</summary>
    private sealed class Changed
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
        public ProfileInputs Inputs { get; set; }
        public bool Everything { get; set; }
        public bool New { get; set; }
    }

    private sealed class Pending
    {
        public List<MembershipChange> Changes { get; } = [];
        public List<SegmentTimer> Timers { get; } = [];
    }
}

public readonly record struct RecomputeProgress(long Done, long Total);

public sealed record RecomputeResult(long Profiles, long Entered, long Exited);

/// <param name="Estimate">Matching profiles: exact when <paramref name="Exact"/>, else extrapolated from the sample.</param>
public sealed record SegmentPreview(long Estimate, bool Exact, long Sampled, long Profiles, IReadOnlyList<string> SampleMembers);
