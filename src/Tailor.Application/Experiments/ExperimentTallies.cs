using System.Globalization;
using System.Text.Json;
using Tailor.Core.Experiments;
using Tailor.Core.Storage;

namespace Tailor.Application.Experiments;

/// <summary>
/// Keeps every experiment's results current as events arrive (docs/experiments.md, "How results are kept current"):
/// follows the events the profile pipeline has assigned, and folds exposure and metric events into per-unit values
/// and per-arm sums, committed with its position in one transaction, so a read of the results reads a few rows per arm.
/// <list type="bullet">
/// <item>An <c>Experiment Viewed</c> event of a running or stopped experiment for a profile that is not yet a unit
/// makes it one: arm and first exposure t0 from the stored exposures (merges resolved, <see cref="StickyArm"/>); its
/// history — the events of the metrics' names logged up to the start of the step, read once — gives the pre-exposure
/// covariate over [t0 − lookback, t0) and any window event logged before the exposure event.</item>
/// <item>Every later event of a unit's owner with a metric's name is folded in by its event time (<see cref="MetricFold"/>):
/// inside [t0, t0 + window) it changes y and d; inside the lookback, x and xd; outside, nothing. So conversion windows
/// after the first exposure and the covariate stay exact whatever order events arrive in.</item>
/// <item>A merge (an event that tied two profiles together) rebuilds the survivor's units from its whole history and
/// removes the merged-away profiles' units: the earliest exposure wins and a change of arm is counted.</item>
/// </list>
/// The reference is the recompute from the log (<see cref="IExperimentStore.ArmSumsAsync"/>): both give the same sums.
/// </summary>
public sealed class ExperimentTallies(IExperimentStore store, ITriggerStore log, ISegmentStore assigned, IPositionStore positions, TimeProvider time)
{
    /// <summary>The follower's name: its position, its dead letters, its line in <c>GET /api/pipeline</c>.</summary>
    public const string Stage = "experiments";

    /// <summary>The event every exposure is logged as (Segment's A/B-testing spec).</summary>
    public const string ExposureEvent = "Experiment Viewed";

    /// <summary>Folds the next assigned events (at most <paramref name="max"/>); returns how many (0 when caught up).</summary>
    /// <exception cref="PositionConflictException">Another node moved the position first; nothing was written.</exception>
    public async Task<int> StepAsync(int max, CancellationToken ct)
    {
        var position = await positions.PositionAsync(Stage, ct);
        var upTo = await positions.FoldedUpToAsync(ct);
        if (upTo <= position) return 0;
        // Listed after the batch's bound: an exposure up to it was served, and so its experiment started, before the
        // list is read. Only exposures and metric events are read for their payload, so only theirs are opened.
        var (experiments, names) = await RunningAsync(ct);
        // With no experiment counting, no event is tallied: the position moves past the events unread (issue 17: reading
        // and decoding every payload for nothing cost the server CPU under load).
        if (experiments.Count == 0)
        {
            var past = new PositionMove(Stage, position, upTo);
            await store.CommitTallyAsync(TallyCommit.Nothing(past), ct);
            return past.Covered;
        }
        var batch = await log.AssignedEventsAsync(position, upTo, max, e => e.Name is { } n && (n == ExposureEvent || names.Contains(n)), ct);
        var newPosition = batch.Count == max ? batch[^1].Sequence : upTo;
        await store.CommitTallyAsync(await FoldAsync(batch, experiments, names, position, newPosition, ct), ct);
        return Math.Max(batch.Count, 1);
    }

    /// <summary>The experiments that count (all but drafts), and the events their metrics count (numerators and ratio denominators).</summary>
    private async Task<(Dictionary<string, ExperimentDefinition> Experiments, HashSet<string> MetricEvents)> RunningAsync(CancellationToken ct)
    {
        var experiments = new Dictionary<string, ExperimentDefinition>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in await store.ListExperimentsAsync(ct))
        {
            if (e.Status == ExperimentStatus.Draft) continue;
            experiments[e.Key] = e.Definition;
            foreach (var m in e.Definition.AllMetrics)
            {
                names.Add(m.Event);
                if (m.Kind == MetricKind.Ratio && m.DenominatorEvent is { } den) names.Add(den);
            }
        }
        return (experiments, names);
    }

    /// <summary>Records the next event as a dead letter, with the error as its reason, and moves the position past it in one commit.</summary>
    public async Task SetAsideAsync(Exception error, int attempts, CancellationToken ct)
    {
        var position = await positions.PositionAsync(Stage, ct);
        var upTo = await positions.FoldedUpToAsync(ct);
        var next = upTo <= position ? [] : await log.AssignedEventsAsync(position, upTo, 1, ct);
        if (next.Count == 0) return;
        var e = next[0];
        var payload = JsonSerializer.Serialize(new { sequence = e.Sequence, profileId = e.ProfileId, type = e.Event.Type.ToString(), name = e.Event.Name });
        var letter = DeadLetter.For(Stage, "event:" + e.Sequence.ToString(CultureInfo.InvariantCulture), e.Event.SourceId, payload, error, attempts, time.GetUtcNow());
        await store.CommitTallyAsync(TallyCommit.Nothing(new PositionMove(Stage, position, e.Sequence)) with { DeadLetters = [letter] }, ct);
    }

    /// <summary>How far the follower trails the profile pipeline.</summary>
    public async Task<(long Position, long Lag)> ProgressAsync(CancellationToken ct)
    {
        var position = await positions.PositionAsync(Stage, ct);
        var head = await positions.FoldedUpToAsync(ct);
        return (position, Math.Max(0, head - position));
    }

    private sealed class Working(ExperimentUnit? original, string key, string profile, string arm, DateTimeOffset firstAt, bool changed)
    {
        public ExperimentUnit? Original { get; } = original;
        public string Key { get; } = key;
        public string Profile { get; } = profile;
        public string Arm { get; } = arm;
        public DateTimeOffset FirstAt { get; } = firstAt;
        public bool Changed { get; } = changed;
        public Dictionary<string, UnitValues> Values { get; } = original is null ? new(StringComparer.Ordinal) : new(original.Values, StringComparer.Ordinal);
        public bool Dirty { get; set; } = original is null;
    }

    private async Task<TallyCommit> FoldAsync(IReadOnlyList<AssignedEvent> batch, Dictionary<string, ExperimentDefinition> experiments, HashSet<string> names,
        long position, long newPosition, CancellationToken ct)
    {
        var move = new PositionMove(Stage, position, newPosition);
        var empty = TallyCommit.Nothing(move);
        if (batch.Count == 0) return empty; // StepAsync reads no batch without an experiment that counts

        // Merges: the survivor's units are rebuilt from its whole history (below), not folded event by event.
        var survivors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in await assigned.AssignedEventSummariesAsync(position, newPosition, batch.Count, ct))
            if (s.Merged) survivors.Add(s.ProfileId);

        var exposed = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var relevant = new HashSet<string>(survivors, StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (e.Event.Name is not { } name) continue;
            if (name == ExposureEvent && ExperimentId(e.Event.Payload) is { } key && experiments.ContainsKey(key))
            {
                if (!exposed.TryGetValue(key, out var set)) exposed[key] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(e.ProfileId);
                relevant.Add(e.ProfileId);
            }
            if (names.Contains(name)) relevant.Add(e.ProfileId);
        }
        if (relevant.Count == 0) return empty;

        var units = new Dictionary<(string Key, string Profile), Working>();
        var removed = new List<ExperimentUnit>();
        foreach (var u in await store.UnitsAsync(relevant, ct))
        {
            if (survivors.Contains(u.ProfileId)) removed.Add(u);
            else if (experiments.ContainsKey(u.ExperimentKey)) units[(u.ExperimentKey, u.ProfileId)] = new Working(u, u.ExperimentKey, u.ProfileId, u.Arm, u.FirstAt, u.Changed);
        }

        // New units: exposed in this step, not yet units; their history up to the step's start is read once.
        var fresh = new List<Working>();
        foreach (var (key, profiles) in exposed)
        {
            var candidates = profiles.Where(p => !survivors.Contains(p) && !units.ContainsKey((key, p))).ToArray();
            if (candidates.Length == 0) continue;
            foreach (var (owner, list) in await store.ExposuresOfAsync(key, candidates, ct))
                if (StickyArm.Resolve(list) is { } sticky)
                    fresh.Add(units[(key, owner)] = new Working(null, key, owner, sticky.Earliest.Arm, sticky.Earliest.At, sticky.Changed));
        }
        await FoldHistoryAsync(fresh, names, position, experiments, ct);

        // Rebuilt units: each survivor of a merge, from every exposure of its profiles and its whole history to the step's end.
        var rebuilt = new List<Working>();
        foreach (var survivor in survivors)
        {
            removed.AddRange(await store.MergedUnitsAsync(survivor, ct));
            foreach (var key in experiments.Keys)
                if ((await store.ExposuresOfAsync(key, [survivor], ct)).GetValueOrDefault(survivor) is { } list && StickyArm.Resolve(list) is { } sticky)
                    rebuilt.Add(new Working(null, key, survivor, sticky.Earliest.Arm, sticky.Earliest.At, sticky.Changed));
        }
        await FoldHistoryAsync(rebuilt, names, newPosition, experiments, ct);

        // The step's events, in log order, for every unit that is not rebuilt.
        var byProfile = units.Values.ToLookup(u => u.Profile, StringComparer.Ordinal);
        foreach (var e in batch)
            if (e.Event.Name is { } name && names.Contains(name) && byProfile.Contains(e.ProfileId))
                Fold(byProfile[e.ProfileId], e, experiments);

        return Commit(units.Values.Concat(rebuilt), removed, experiments, move);
    }

    private async Task FoldHistoryAsync(List<Working> units, HashSet<string> names, long upTo, Dictionary<string, ExperimentDefinition> experiments, CancellationToken ct)
    {
        if (units.Count == 0) return;
        var byProfile = units.ToLookup(u => u.Profile, StringComparer.Ordinal);
        foreach (var e in await store.HistoryAsync(byProfile.Select(g => g.Key).ToArray(), names, upTo, ct))
            Fold(byProfile[e.ProfileId], e, experiments);
    }

    private static void Fold(IEnumerable<Working> units, AssignedEvent e, Dictionary<string, ExperimentDefinition> experiments)
    {
        JsonDocument? document = null;
        try
        {
            foreach (var u in units)
                foreach (var metric in experiments[u.Key].AllMetrics)
                {
                    if (!MetricFold.Reads(metric, e.Event.Name)) continue;
                    document ??= Parse(e.Event.Payload);
                    var properties = document is not null && document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("properties", out var p) ? p : default;
                    var before = u.Values.GetValueOrDefault(metric.Name);
                    var after = MetricFold.Apply(metric, before, e.Event.Name!, e.Event.Timestamp, u.FirstAt, properties);
                    if (after != before) { u.Values[metric.Name] = after; u.Dirty = true; }
                }
        }
        finally
        {
            document?.Dispose();
        }
    }

    private static TallyCommit Commit(IEnumerable<Working> units, List<ExperimentUnit> removed, Dictionary<string, ExperimentDefinition> experiments, PositionMove move)
    {
        var armDeltas = new Dictionary<(string, string, string), double[]>();
        var unitDeltas = new Dictionary<(string, string), (long Units, long Changed)>();
        void Count(string key, string arm, long units, long changed)
        {
            var current = unitDeltas.GetValueOrDefault((key, arm));
            unitDeltas[(key, arm)] = (current.Units + units, current.Changed + changed);
        }
        void Add(string key, string metric, string arm, UnitValues v, double sign)
        {
            if (!armDeltas.TryGetValue((key, metric, arm), out var delta)) armDeltas[(key, metric, arm)] = delta = new double[ArmSums.VectorLength];
            v.Contribution(delta, sign);
        }
        var upserts = new List<ExperimentUnit>();
        var removals = new List<(string, string)>();
        foreach (var r in removed)
        {
            removals.Add((r.ExperimentKey, r.ProfileId));
            Count(r.ExperimentKey, r.Arm, -1, r.Changed ? -1 : 0);
            foreach (var (metric, v) in r.Values) Add(r.ExperimentKey, metric, r.Arm, v, -1);
        }
        foreach (var u in units)
        {
            if (!u.Dirty || !experiments.TryGetValue(u.Key, out var definition)) continue;
            // Every metric has a row per unit (zero until an event counts), so the sums count every unit.
            foreach (var metric in definition.AllMetrics) u.Values.TryAdd(metric.Name, default);
            if (u.Original is { } o)
                foreach (var (metric, v) in o.Values) Add(o.ExperimentKey, metric, o.Arm, v, -1);
            else Count(u.Key, u.Arm, 1, u.Changed ? 1 : 0);
            foreach (var (metric, v) in u.Values) Add(u.Key, metric, u.Arm, v, 1);
            upserts.Add(new ExperimentUnit(u.Key, u.Profile, u.Arm, u.FirstAt, u.Changed, u.Values));
        }
        return new TallyCommit(upserts, removals, armDeltas, unitDeltas, move);
    }

    private static JsonDocument? Parse(string payload)
    {
        try
        {
            return JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return null; // a payload that is not JSON has no properties: counts and conversions still count
        }
    }

    /// <summary>The <c>properties.experiment_id</c> of an exposure event, when it is a string.</summary>
    private static string? ExperimentId(string payload)
    {
        using var document = Parse(payload);
        return document is not null && document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("experiment_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
    }
}
