using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Application.Delivery;
using Tailor.Application.Experiments;
using Tailor.Core.Delivery;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Triggers;

/// <summary>
/// Runs triggers. Follows the event log after the profile pipeline, and the segment history, each with its own
/// position committed together with what it caused, so a crash resumes exactly; fires run timers that are due on
/// the injected clock. A run only moves from the version this node read (two nodes never fire one timer twice), and
/// an action becomes an outbox row keyed by run and step (it runs at most once) after the consent gate and the
/// frequency caps let it through.
/// </summary>
public sealed class TriggerEngine(ITriggerStore store, ISegmentStore segments, IProfileStore profiles, IPositionStore positions,
    TimeProvider time, Func<string> newRunId, FrequencyPolicy caps, ActionPayloads payloads, IStageProbe? probe = null,
    JourneyExperiments? experiments = null)
{
    /// <summary>The dead-letter stage of events, segment changes and run timers the engine set aside.</summary>
    public const string Stage = "triggers";

    public const string EventsPosition = "triggers";
    public const string SegmentsPosition = "trigger-segments";

    /// <summary>The source id of events that trigger actions write: they never start an "any event" trigger (no loops).</summary>
    public const string TriggerSource = "trigger";

    /// <summary>Events or segment changes per commit.</summary>
    public const int BatchSize = 2000;

    /// <summary>Due timers fired per commit: smaller than a log batch so the first actions of a burst leave sooner.</summary>
    private const int TimerBatchSize = 2000;

    /// <summary>Tries for an email whose server was unreachable; the Message-ID stays the same across tries.</summary>
    private const int EmailAttempts = 3;

    public TriggerCatalog Catalog => _catalog.Current;

    private readonly VersionedCatalog<TriggerCatalog> _catalog = new(TriggerCatalog.Empty);

    public IReadOnlyList<FrequencyCap> GlobalCaps => caps.Global;

    private ActionPayloads Payloads => payloads;

    /// <summary>Raised when a reload finds a stored trigger it must disable (each one once per reason).</summary>
    public event Action<TriggerCatalog.DisabledTrigger>? TriggerDisabled;

    private readonly HashSet<(string, string)> _reportedDisabled = [];

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var version = await store.DefinitionsVersionAsync(cancellationToken); // read first: a save after it moves it again
        var catalog = new TriggerCatalog(await store.ListTriggersAsync(cancellationToken));
        _catalog.Publish(catalog, version);
        foreach (var d in catalog.Disabled)
            lock (_reportedDisabled)
                if (_reportedDisabled.Add((d.Stored.Id, d.Reason))) TriggerDisabled?.Invoke(d);
    }

    /// <summary>
    /// Reloads when a trigger was saved since the catalog was read, through any node or the CLI. Called after the
    /// input's bounds are read: a trigger saved before an event was accepted is then always in the catalog that sees it.
    /// </summary>
    public async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_catalog.IsStale(await store.DefinitionsVersionAsync(cancellationToken))) await ReloadAsync(cancellationToken);
    }

    /// <summary>Feeds the next batch of pipeline-applied events to waiting runs and event-started triggers; returns how many events it covered.</summary>
    public Task<int> ProcessEventsAsync(CancellationToken cancellationToken) => ProcessEventsAsync(BatchSize, cancellationToken);

    /// <summary>As <see cref="ProcessEventsAsync(CancellationToken)"/>, covering at most <paramref name="max"/> events.</summary>
    public async Task<int> ProcessEventsAsync(int max, CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(EventsPosition, cancellationToken);
        var upTo = await positions.FoldedUpToAsync(cancellationToken);
        if (upTo <= position) return 0;
        await ReloadIfChangedAsync(cancellationToken);
        // A payload is read only to start a run with it (TryEnterAsync): only those events' protected values are opened.
        var catalog = Catalog;
        // With no trigger, no event can start or move a run (waiting runs are read only with one): the position moves
        // past the events unread. Reading and decoding every payload for nothing cost about 5 % of the server's CPU
        // under load (issue 17, BENCHMARKS.md).
        if (catalog.All.Count == 0)
        {
            var past = new PositionMove(EventsPosition, position, upTo);
            return await FeedEventsAsync([], past, cancellationToken) ? past.Covered : 0;
        }
        var events = await store.AssignedEventsAsync(position, upTo, max, e => catalog.StartsOn(CountedNames.Of(e.Type, e.Name)), cancellationToken);
        var newPosition = events.Count == max ? events[^1].Sequence : upTo;
        return await FeedEventsAsync(events, new PositionMove(EventsPosition, position, newPosition), cancellationToken) ? Math.Max(events.Count, 1) : 0;
    }

    /// <summary>Feeds events to waiting runs and event-started triggers and commits with <paramref name="move"/>; false when another node got there first.</summary>
    private async Task<bool> FeedEventsAsync(IReadOnlyList<AssignedEvent> events, PositionMove? move, CancellationToken cancellationToken)
    {
        var catalog = Catalog;
        // Only profiles with a waiting run, or with an event that starts an enabled trigger, need their facts loaded.
        var names = new string[events.Count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            names[i] = CountedNames.Of(events[i].Event.Type, events[i].Event.Name);
            ids.Add(events[i].ProfileId);
        }
        var waiting = catalog.All.Count == 0 ? [] : await store.WaitingRunsAsync([.. ids], cancellationToken);
        var relevant = new HashSet<string>(waiting.Select(r => r.ProfileId), StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
            if (!relevant.Contains(events[i].ProfileId) && catalog.StartsOn(names[i])) relevant.Add(events[i].ProfileId);
        var batch = await Batch.LoadAsync(this, catalog, relevant, cancellationToken, waiting);
        for (var i = 0; i < events.Count; i++)
        {
            probe?.BeforeItem(Stage, EventKey(events[i].Sequence));
            if (relevant.Contains(events[i].ProfileId)) await batch.OnEventAsync(events[i], names[i], cancellationToken);
        }
        return await batch.CommitAsync(move, cancellationToken);
    }

    /// <summary>Starts segment-entry and -exit triggers from the segment history; returns how many changes it covered.</summary>
    public Task<int> ProcessSegmentChangesAsync(CancellationToken cancellationToken) => ProcessSegmentChangesAsync(BatchSize, cancellationToken);

    /// <summary>As <see cref="ProcessSegmentChangesAsync(CancellationToken)"/>, covering at most <paramref name="max"/> changes.</summary>
    public async Task<int> ProcessSegmentChangesAsync(int max, CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(SegmentsPosition, cancellationToken);
        var changes = await store.SegmentChangesAfterAsync(position, max, cancellationToken);
        if (changes.Count == 0) return 0;
        await ReloadIfChangedAsync(cancellationToken);
        return await FeedSegmentChangesAsync(changes, new PositionMove(SegmentsPosition, position, changes[^1].Id), cancellationToken) ? changes.Count : 0;
    }

    private async Task<bool> FeedSegmentChangesAsync(IReadOnlyList<SegmentChangeEntry> changes, PositionMove? move, CancellationToken cancellationToken)
    {
        var catalog = Catalog;
        var names = (await segments.ListSegmentsAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var started = catalog.All.Where(t => t.Stored.Enabled && t.Definition.Start is SegmentStart).Select(t => ((SegmentStart)t.Definition.Start).Segment)
            .ToHashSet(StringComparer.Ordinal);
        bool Starts(SegmentChangeEntry c) => names.TryGetValue(c.SegmentId, out var name) && started.Contains(name);
        // Only the profiles whose change can start a trigger need their facts loaded.
        var batch = await Batch.LoadAsync(this, catalog, changes.Where(Starts).Select(c => c.ProfileId), cancellationToken);
        foreach (var change in changes)
        {
            probe?.BeforeItem(Stage, SegmentChangeKey(change.Id));
            if (!Starts(change)) continue;
            var segment = names[change.SegmentId];
            foreach (var trigger in catalog.All)
            {
                if (trigger.Definition.Start is not SegmentStart start || start.Segment != segment || start.OnEntry != change.Entered) continue;
                if (change.At < trigger.Stored.CreatedAt) continue; // history from before the trigger existed
                var startEvent = new JsonObject { ["segment"] = segment, ["entered"] = change.Entered, ["at"] = change.At }.ToJsonString();
                await batch.TryEnterAsync(trigger, change.ProfileId, change.At, startEvent, $"{(change.Entered ? "entered" : "left")} segment {segment}", cancellationToken);
            }
        }
        return await batch.CommitAsync(move, cancellationToken);
    }

    /// <summary>
    /// Runs each schedule-started trigger's latest due tick: every live profile for which the rule holds at the tick
    /// enters. The tick is claimed by moving the trigger's schedule position (the last tick's time) with the first
    /// page, so two nodes never run one tick; missed ticks collapse into the latest. Returns how many ticks ran.
    /// </summary>
    public async Task<int> FireSchedulesAsync(CancellationToken cancellationToken)
    {
        var catalog = Catalog;
        var now = time.GetUtcNow();
        var ran = 0;
        foreach (var trigger in catalog.All)
        {
            if (!trigger.Stored.Enabled || trigger.Definition.Start is not ScheduleStart schedule) continue;
            var key = $"schedule:{trigger.Id}";
            var last = await positions.PositionAsync(key, cancellationToken);
            var tick = (last == 0 ? trigger.Stored.CreatedAt : DateTimeOffset.FromUnixTimeMilliseconds(last)) + schedule.Every;
            if (tick > now) continue;
            while (tick + schedule.Every <= now) tick += schedule.Every;
            PositionMove? claim = new(key, last, tick.ToUnixTimeMilliseconds());
            string? after = null;
            while (true)
            {
                var ids = await segments.ProfileIdsAsync(after, 500, cancellationToken);
                if (ids.Count == 0 && claim is null) break;
                var batch = await Batch.LoadAsync(this, catalog, ids, cancellationToken);
                var startEvent = new JsonObject { ["schedule"] = Durations.Format(schedule.Every), ["at"] = tick }.ToJsonString();
                foreach (var id in ids)
                    if (batch.Matches(id, schedule.If, tick)) await batch.TryEnterAsync(trigger, id, tick, startEvent, $"schedule tick at {tick:O}", cancellationToken);
                if (!await batch.CommitAsync(claim, cancellationToken)) break; // another node ran this tick
                claim = null;
                if (ids.Count == 0) break;
                after = ids[^1];
            }
            ran++;
        }
        return ran;
    }

    /// <summary>Fires every run timer due by now, each as of its own due moment; returns how many fired.</summary>
    public Task<int> FireDueTimersAsync(CancellationToken cancellationToken) => FireDueTimersAsync(TimerBatchSize, cancellationToken);

    /// <summary>As <see cref="FireDueTimersAsync(CancellationToken)"/>, firing at most <paramref name="max"/> timers.</summary>
    public async Task<int> FireDueTimersAsync(int max, CancellationToken cancellationToken)
    {
        var due = await store.DueRunsAsync(time.GetUtcNow(), max, cancellationToken);
        if (due.Count == 0) return 0;
        var catalog = Catalog;
        var batch = await Batch.LoadAsync(this, catalog, due.Select(r => r.ProfileId), cancellationToken, due);
        foreach (var run in due)
        {
            probe?.BeforeItem(Stage, RunKey(run.Id));
            await batch.OnTimerAsync(run, cancellationToken);
        }
        return await batch.CommitAsync(null, cancellationToken) ? due.Count : 0;
    }

    /// <summary>The dead-letter key of an event the engine follows.</summary>
    public static string EventKey(long sequence) => $"event:{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The dead-letter key of a segment history entry.</summary>
    public static string SegmentChangeKey(long id) => $"segment-change:{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The dead-letter key of a run whose timer could not be fired.</summary>
    public static string RunKey(string runId) => $"run:{runId}";

    /// <summary>What <see cref="SetAsideAsync"/> sets aside: the next item of one of the engine's inputs.</summary>
    public enum Input
    {
        Events,
        SegmentChanges,
        Timers,
    }

    /// <summary>
    /// Sets aside the next item of <paramref name="input"/> (the one a batch of one failed on): records it as a dead
    /// letter and moves past it (a log position moves; a run whose timer fails exits with the reason). Null when there is none.
    /// </summary>
    public async Task<DeadLetter?> SetAsideAsync(Input input, Exception error, int attempts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (input)
        {
            case Input.Events:
            {
                var position = await positions.PositionAsync(EventsPosition, cancellationToken);
                var upTo = await positions.FoldedUpToAsync(cancellationToken);
                var events = upTo <= position ? [] : await store.AssignedEventsAsync(position, upTo, 1, cancellationToken);
                if (events.Count == 0) return null;
                var e = events[0];
                var letter = DeadLetter.For(Stage, EventKey(e.Sequence), e.Event.SourceId, e.Event.Payload, error, attempts, now);
                await store.CommitJourneysAsync(new JourneyCommit([], [], [], [], new PositionMove(EventsPosition, position, e.Sequence)) { DeadLetters = [letter] }, cancellationToken);
                return letter;
            }
            case Input.SegmentChanges:
            {
                var position = await positions.PositionAsync(SegmentsPosition, cancellationToken);
                var changes = await store.SegmentChangesAfterAsync(position, 1, cancellationToken);
                if (changes.Count == 0) return null;
                var c = changes[0];
                var payload = JsonSerializer.Serialize(new { id = c.Id, segmentId = c.SegmentId, profileId = c.ProfileId, entered = c.Entered, at = c.At });
                var letter = DeadLetter.For(Stage, SegmentChangeKey(c.Id), null, payload, error, attempts, now);
                await store.CommitJourneysAsync(new JourneyCommit([], [], [], [], new PositionMove(SegmentsPosition, position, c.Id)) { DeadLetters = [letter] }, cancellationToken);
                return letter;
            }
            default:
            {
                var due = await store.DueRunsAsync(now, 1, cancellationToken);
                if (due.Count == 0) return null;
                var run = due[0];
                var payload = JsonSerializer.Serialize(new { runId = run.Id, triggerId = run.TriggerId, profileId = run.ProfileId, step = run.Step, dueAt = run.DueAt });
                var letter = DeadLetter.For(Stage, RunKey(run.Id), null, payload, error, attempts, now);
                var stopped = JourneyMachine.Stop(run, now, $"set aside after {attempts} failed attempts: {error.Message}");
                var log = stopped.Log.Select(l => new ExecutionLogEntry(run.Id, run.TriggerId, run.ProfileId, l.At, l.Step, l.Kind, l.Detail)).ToList();
                await store.CommitJourneysAsync(new JourneyCommit([new RunWrite(stopped.Run, run.Version)], log, [], [], null) { DeadLetters = [letter] }, cancellationToken);
                return letter;
            }
        }
    }

    /// <summary>
    /// Puts a set-aside item through the engine again, as it would have gone then, without moving any position: an
    /// event is fed to waiting runs and event-started triggers, a segment change to segment-started triggers. A run
    /// that exited because its timer failed cannot be resumed (its step may have half-run); the replay says so.
    /// </summary>
    public async Task<string> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var colon = letter.Key.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? letter.Key : letter.Key[..colon];
        var id = colon < 0 ? "" : letter.Key[(colon + 1)..];
        if (kind == "event" && long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var sequence))
        {
            var events = await store.AssignedEventsAsync(sequence - 1, sequence, 1, cancellationToken);
            if (events.Count == 0 || events[0].Sequence != sequence) throw new InvalidOperationException($"event {sequence} has no profile (it was not folded)");
            if (!await FeedEventsAsync(events, null, cancellationToken)) throw new InvalidOperationException("another node changed the same runs; replay again");
            return $"event {sequence} fed to the triggers of profile {events[0].ProfileId}";
        }
        if (kind == "segment-change" && long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var changeId))
        {
            var changes = await store.SegmentChangesAfterAsync(changeId - 1, 1, cancellationToken);
            if (changes.Count == 0 || changes[0].Id != changeId) throw new InvalidOperationException($"segment change {changeId} no longer exists");
            if (!await FeedSegmentChangesAsync(changes, null, cancellationToken)) throw new InvalidOperationException("another node changed the same runs; replay again");
            return $"segment change {changeId} fed to the segment-started triggers";
        }
        throw new InvalidOperationException($"{letter.Key} cannot be replayed: the run exited when it was set aside; it starts again on its next trigger");
    }

    /// <summary>
    /// What would happen if the profile entered now (a dry run: nothing is stored or sent). Waits are assumed to run
    /// out with no further events; conditions, quiet hours, consent and caps are checked as they would be.
    /// </summary>
    public async Task<TriggerDryRun?> DryRunAsync(TriggerCatalog.Compiled trigger, string profileId, string? startEvent, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetProfileAsync(profileId, cancellationToken);
        if (profile is null) return null;
        var facts = (await FactsAsync([profile.Id], Catalog.RuleEvents.Union(RulesEvents(trigger)).ToHashSet(StringComparer.Ordinal), cancellationToken)).GetValueOrDefault(profile.Id);
        if (facts is null) return null;
        var now = time.GetUtcNow();
        var lines = new List<JourneyLogEntry>();
        var transition = JourneyMachine.Enter(trigger.Definition, "dry-run", trigger.Id, profile.Id, now, startEvent ?? "{}", "dry run", facts);
        for (var guard = 0; ; guard++)
        {
            var next = 0;
            foreach (var line in transition.Log)
            {
                lines.Add(line);
                if (line.Kind != "action" || next >= transition.Actions.Count) continue;
                var action = transition.Actions[next++];
                var verdict = await VerdictAsync(trigger, action, facts.Profile, action.At, [], cancellationToken);
                if (verdict is not null)
                {
                    lines.Add(new JourneyLogEntry(action.At, action.StepId, verdict.Value.Kind, verdict.Value.Detail));
                    continue;
                }
                var (payload, problem) = await payloads.RenderAsync(action.Action, trigger, transition.Run, action.StepId, facts.Profile, action.At, cancellationToken);
                lines.Add(new JourneyLogEntry(action.At, action.StepId, problem is null ? "would-run" : "failed", problem ?? payload!.ToJson()));
            }
            if (transition.Run.Status != RunStatus.Waiting || transition.Run.DueAt is null || guard > trigger.Definition.Steps.Count + 1) break;
            transition = JourneyMachine.OnTimer(trigger.Definition, transition.Run, facts);
        }
        return new TriggerDryRun(profile.Id, transition.Run.Status, transition.Run.Outcome, lines);
    }

    private static HashSet<string> RulesEvents(TriggerCatalog.Compiled trigger) => new TriggerCatalog([trigger.Stored]).RuleEvents;

    /// <summary>Whether the consent gate or a frequency cap stops an action; null lets it through.</summary>
    private async Task<(string Kind, string Detail)?> VerdictAsync(TriggerCatalog.Compiled trigger, ActionDecision action, Profile profile, DateTimeOffset at,
        List<Contact> pending, CancellationToken ct)
    {
        if (action.Action.Purpose is { } purpose && ConsentGate.Refusal(profile, purpose) is { } refusal) return ("consent-refused", refusal);
        if (action.Action.Channel is not { } channel) return null;
        // Contacts decided earlier in this same batch are not stored yet, but count.
        return await caps.ViolationAsync(profile.Id, caps.ForTrigger(trigger, channel), at, pending, ct) is { } capped ? ("suppressed", capped) : null;
    }

    private async Task<Dictionary<string, JourneyFacts>> FactsAsync(IReadOnlyList<string> profileIds, IReadOnlySet<string> eventNames, CancellationToken ct)
    {
        var result = new Dictionary<string, JourneyFacts>(StringComparer.Ordinal);
        if (profileIds.Count == 0) return result;
        var segmentNames = (await segments.ListSegmentsAsync(ct)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        foreach (var page in profileIds.Chunk(500))
        foreach (var snapshot in await segments.SnapshotsAsync(page, SnapshotScope.Full(eventNames), ct))
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in snapshot.Memberships)
                if (segmentNames.TryGetValue(id, out var name)) names.Add(name);
            result[snapshot.Profile.Id] = new JourneyFacts(new ProfileFacts(snapshot.Profile, snapshot.Events, names, NoPopulationStats.Instance), names);
        }
        return result;
    }

    /// <summary>
    /// Gives each profile of a batch its arm of every experiment running on a trigger with a step under test (one read
    /// of stored exposures per experiment), for <see cref="ExperimentStep"/> to read while the run walks.
    /// </summary>
    private async Task AddArmsAsync(TriggerCatalog catalog, Dictionary<string, JourneyFacts> facts, CancellationToken ct)
    {
        if (experiments is null || facts.Count == 0 || !catalog.All.Any(t => t.Definition.Steps.Any(s => s is ExperimentStep))) return;
        var entries = await experiments.OnTriggersAsync(catalog.All.Select(t => (t.Id, t.Definition)), ct);
        if (entries.Count == 0) return;
        var memberships = facts.ToDictionary(f => f.Key, f => (IReadOnlySet<string>)f.Value.Segments, StringComparer.Ordinal);
        foreach (var (trigger, entry) in entries)
            foreach (var (profileId, arm) in await experiments.ArmsAsync(entry, memberships, ct))
                facts[profileId].Arms[trigger] = arm;
    }

    private sealed class JourneyFacts(ProfileFacts facts, HashSet<string> segments) : IJourneyFacts
    {
        public Profile Profile => facts.Profile;

        /// <summary>The names of the segments the profile is in.</summary>
        public HashSet<string> Segments => segments;

        /// <summary>The profile's arm per trigger name under test.</summary>
        public Dictionary<string, JourneyArm> Arms { get; } = new(StringComparer.Ordinal);

        public bool Matches(Rule rule, DateTimeOffset at) => RuleEvaluator.Evaluate(rule, facts, at).Matched;

        public JourneyArm? ArmOf(string trigger) => Arms.GetValueOrDefault(trigger);
    }

    /// <summary>What one batch changes, gathered in memory and committed in one transaction.</summary>
    private sealed class Batch
    {
        private readonly TriggerEngine _engine;
        private readonly TriggerCatalog _catalog;
        private readonly Dictionary<string, JourneyFacts> _facts;
        private readonly Dictionary<(string, string), JourneyRun> _waiting = [];
        private readonly Dictionary<string, List<JourneyRun>> _waitingByProfile = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string), DateTimeOffset> _lastEntries;
        private readonly Dictionary<string, RunWrite> _writes = new(StringComparer.Ordinal);
        private readonly HashSet<string> _inserted = new(StringComparer.Ordinal);
        private readonly List<ExecutionLogEntry> _log = [];
        private readonly List<ActionDelivery> _deliveries = [];
        private readonly List<Contact> _contacts = [];

        private Batch(TriggerEngine engine, TriggerCatalog catalog, Dictionary<string, JourneyFacts> facts, IReadOnlyList<JourneyRun> waiting,
            IReadOnlyDictionary<(string, string), DateTimeOffset> lastEntries)
        {
            _engine = engine;
            _catalog = catalog;
            _facts = facts;
            _lastEntries = new(lastEntries);
            foreach (var run in waiting) Track(run);
        }

        public static async Task<Batch> LoadAsync(TriggerEngine engine, TriggerCatalog catalog, IEnumerable<string> profileIds, CancellationToken ct,
            IReadOnlyList<JourneyRun>? waiting = null)
        {
            var ids = profileIds.Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return new Batch(engine, catalog, [], [], new Dictionary<(string, string), DateTimeOffset>());
            var facts = await engine.FactsAsync(ids, catalog.RuleEvents, ct);
            await engine.AddArmsAsync(catalog, facts, ct);
            waiting ??= await engine.Store.WaitingRunsAsync(ids, ct);
            return new Batch(engine, catalog, facts, waiting, await engine.Store.LastEntriesAsync(ids, ct));
        }

        public async Task OnEventAsync(AssignedEvent e, string name, CancellationToken ct)
        {
            if (!_facts.TryGetValue(e.ProfileId, out var facts)) return; // merged away since
            var at = e.Event.Timestamp;
            if (_waitingByProfile.TryGetValue(e.ProfileId, out var runs))
            {
                foreach (var run in runs.ToArray())
                {
                    if (_catalog.ById(run.TriggerId) is not { } trigger) continue;
                    if (JourneyMachine.OnEvent(trigger.Definition, run, name, at, facts) is { } transition)
                        await ApplyAsync(trigger, transition, facts, ct);
                }
            }
            foreach (var trigger in _catalog.All)
            {
                if (trigger.Definition.Start is not EventStart start || !start.Matches(name)) continue;
                if (start.Event == EventStart.AnyEvent && e.Event.SourceId == TriggerSource) continue;
                if (e.Event.ReceivedAt < trigger.Stored.CreatedAt) continue; // logged before the trigger existed
                if (start.If is { } rule && !facts.Matches(rule, at)) continue;
                await TryEnterAsync(trigger, e.ProfileId, at, e.Event.Payload, $"{name} at {at:O}", ct);
            }
        }

        public bool Matches(string profileId, Rule rule, DateTimeOffset at) => _facts.TryGetValue(profileId, out var facts) && facts.Matches(rule, at);

        public async Task OnTimerAsync(JourneyRun run, CancellationToken ct)
        {
            var trigger = _catalog.ById(run.TriggerId);
            if (!_facts.TryGetValue(run.ProfileId, out var facts) || trigger is null || !trigger.Stored.Enabled)
            {
                var reason = trigger is null ? "trigger deleted" : !trigger.Stored.Enabled ? "trigger disabled" : "profile no longer exists";
                Record(run, JourneyMachine.Stop(run, run.DueAt ?? _engine.Now, reason));
                return;
            }
            await ApplyAsync(trigger, JourneyMachine.OnTimer(trigger.Definition, run, facts), facts, ct);
        }

        public async Task TryEnterAsync(TriggerCatalog.Compiled trigger, string profileId, DateTimeOffset at, string startEvent, string because, CancellationToken ct)
        {
            if (!trigger.Stored.Enabled || !_facts.TryGetValue(profileId, out var facts)) return;
            if (_waiting.ContainsKey((trigger.Id, profileId))) return; // one run at a time per profile
            var reentry = trigger.Definition.Reentry;
            if (_lastEntries.TryGetValue((trigger.Id, profileId), out var last) && (!reentry.Allowed || (reentry.After is { } after && at - last < after))) return;
            _lastEntries[(trigger.Id, profileId)] = at;
            var runId = _engine.NewRunId();
            _inserted.Add(runId);
            await ApplyAsync(trigger, JourneyMachine.Enter(trigger.Definition, runId, trigger.Id, profileId, at, startEvent, because, facts), facts, ct);
        }

        private async Task ApplyAsync(TriggerCatalog.Compiled trigger, JourneyTransition transition, JourneyFacts facts, CancellationToken ct)
        {
            var run = Record(transition.Run with { Version = transition.Run.Version - 1 }, transition, log: false);
            var next = 0;
            foreach (var line in transition.Log)
            {
                Log(run, line.At, line.Step, line.Kind, line.Detail);
                // Each action's outcome goes right under its "action" line, so the log reads in order.
                if (line.Kind == "action" && next < transition.Actions.Count) await ActAsync(trigger, run, transition.Actions[next++], facts, ct);
                // A step under test: the exposure is recorded and logged as it is reached (before this batch commits;
                // a retried batch logs the same event id, so it is stored once).
                if (line.Kind == JourneyMachine.ExposureKind && _engine.Journeys is { } journeys && facts.ArmOf(trigger.Definition.Name) is { } arm)
                    await journeys.ExposeAsync(arm, arm.Experiment, run.ProfileId, trigger.Id, line.Step, line.At, ct);
            }
        }

        private async Task ActAsync(TriggerCatalog.Compiled trigger, JourneyRun run, ActionDecision action, JourneyFacts facts, CancellationToken ct)
        {
            if (await _engine.VerdictAsync(trigger, action, facts.Profile, action.At, _contacts, ct) is { } verdict)
            {
                Log(run, action.At, action.StepId, verdict.Kind, verdict.Detail);
                return;
            }
            var (payload, problem) = await _engine.Payloads.RenderAsync(action.Action, trigger, run, action.StepId, facts.Profile, action.At, ct);
            if (problem is not null)
            {
                Log(run, action.At, action.StepId, "failed", problem);
                return;
            }
            var now = _engine.Now;
            _deliveries.Add(new ActionDelivery(action.IdempotencyKey, run.Id, trigger.Id, run.ProfileId, action.Action.Kind, payload!.ToJson(), DeliveryStatus.Pending,
                0, action.Action is WebhookAction hook ? hook.MaxAttempts : EmailAttempts, now, null, now));
            if (action.Action.Channel is { } channel) _contacts.Add(new Contact(run.ProfileId, channel, trigger.Origin, action.At));
            Log(run, action.At, action.StepId, "queued", $"{action.Action.Kind} queued as {action.IdempotencyKey}");
        }

        /// <summary>Keeps the run's latest state; the write expects the version first read from storage (none for a new run).</summary>
        private JourneyRun Record(JourneyRun before, JourneyTransition transition, bool log = true)
        {
            var run = transition.Run;
            _writes[run.Id] = _writes.TryGetValue(run.Id, out var earlier)
                ? earlier with { Run = run }
                : new RunWrite(run, _inserted.Contains(run.Id) ? null : before.Version);
            if (log)
                foreach (var line in transition.Log) Log(run, line.At, line.Step, line.Kind, line.Detail);
            Untrack(before);
            if (run.Status == RunStatus.Waiting) Track(run);
            return run;
        }

        private void Track(JourneyRun run)
        {
            _waiting[(run.TriggerId, run.ProfileId)] = run;
            if (!_waitingByProfile.TryGetValue(run.ProfileId, out var list)) _waitingByProfile[run.ProfileId] = list = [];
            list.RemoveAll(r => r.Id == run.Id);
            list.Add(run);
        }

        private void Untrack(JourneyRun run)
        {
            if (_waiting.TryGetValue((run.TriggerId, run.ProfileId), out var current) && current.Id == run.Id) _waiting.Remove((run.TriggerId, run.ProfileId));
            if (_waitingByProfile.TryGetValue(run.ProfileId, out var list)) list.RemoveAll(r => r.Id == run.Id);
        }

        private void Log(JourneyRun run, DateTimeOffset at, string? step, string kind, string detail) =>
            _log.Add(new ExecutionLogEntry(run.Id, run.TriggerId, run.ProfileId, at, step, kind, detail));

        /// <summary>Commits; false when another node moved a run or the position first (nothing was written).</summary>
        public async Task<bool> CommitAsync(PositionMove? position, CancellationToken ct)
        {
            if (_writes.Count == 0 && _log.Count == 0 && position is null) return true;
            try
            {
                await _engine.Store.CommitJourneysAsync(new JourneyCommit([.. _writes.Values], _log, _deliveries, _contacts, position), ct);
                return true;
            }
            catch (PositionConflictException)
            {
                return false;
            }
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private string NewRunId() => newRunId();

    private ITriggerStore Store => store;

    private JourneyExperiments? Journeys => experiments;
}

/// <summary>The outcome of a dry run: how the run would end and every step it would take.</summary>
public sealed record TriggerDryRun(string ProfileId, RunStatus Status, string? Outcome, IReadOnlyList<JourneyLogEntry> Steps);
