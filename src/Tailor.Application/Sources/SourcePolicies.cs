using System.Collections.Concurrent;
using Tailor.Core.Delivery;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Application.Sources;

/// <summary>
/// Every source's privacy policy (<see cref="SourcePrivacy"/>) applied at ingestion, before the events are stored —
/// by the tracking API and by connector sources alike. Policies are compiled once and cached (refreshed every 5
/// seconds, at once after a change through this node); a source without one costs a dictionary lookup per request.
/// An event's analytics consent is its own answer when it carries one, else an earlier answer in the same request,
/// else the profile's recorded consent through the <see cref="ConsentGate"/> (no profile, no consent). What was
/// dropped and pseudonymized is counted per source on this node (the source's status) and reported to
/// <see cref="Counted"/> (the metrics).
/// </summary>
public sealed class SourcePolicies(ISourceStore store, IProfileStore profiles, PseudonymKey key, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);
    private volatile Snapshot? _snapshot;

    /// <summary>Called after each request that a policy changed: source id, events dropped, events pseudonymized, fields dropped.</summary>
    public Action<string, int, int, int>? Counted { get; set; }

    /// <summary>Drops the cache: the next request reads the policies again (after a change through this node).</summary>
    public void Forget() => _snapshot = null;

    /// <summary>This node's counts for a source since it started.</summary>
    public (long EventsDropped, long EventsPseudonymized, long FieldsDropped) Read(string sourceId) =>
        _tallies.TryGetValue(sourceId, out var t) ? (Interlocked.Read(ref t.EventsDropped), Interlocked.Read(ref t.EventsPseudonymized), Interlocked.Read(ref t.FieldsDropped)) : (0, 0, 0);

    public async ValueTask<SourcePolicy?> PolicyAsync(string sourceId, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is null || time.GetUtcNow() - snapshot.At > Refresh)
        {
            var compiled = new Dictionary<string, SourcePolicy>(StringComparer.Ordinal);
            foreach (var (id, privacy) in await store.PrivacyAsync(ct))
                if (SourcePolicy.Compile(privacy) is { } policy) compiled[id] = policy;
            _snapshot = snapshot = new Snapshot(compiled, time.GetUtcNow());
        }
        return snapshot.Policies.GetValueOrDefault(sourceId);
    }

    /// <summary>The events to store after the source's policy: <paramref name="events"/> itself when the source has none.</summary>
    public async ValueTask<List<TailorEvent>> ApplyAsync(string sourceId, List<TailorEvent> events, CancellationToken ct)
    {
        if (events.Count == 0 || await PolicyAsync(sourceId, ct) is not { } policy) return events;
        var kept = new List<TailorEvent>(events.Count);
        Dictionary<string, bool>? answers = policy.NeedsConsent ? new(StringComparer.Ordinal) : null;
        int droppedEvents = 0, pseudonymized = 0, droppedFields = 0;
        foreach (var e in events)
        {
            var consent = answers is null || await AnalyticsConsentAsync(e, answers, ct);
            var outcome = policy.Apply(e, consent, key.Value);
            droppedFields += outcome.DroppedFields;
            if (outcome.Pseudonymized) pseudonymized++;
            if (outcome.Event is { } stored) kept.Add(stored);
            else droppedEvents++;
        }
        if (droppedEvents + pseudonymized + droppedFields > 0)
        {
            var tally = _tallies.GetOrAdd(sourceId, _ => new Tally());
            Interlocked.Add(ref tally.EventsDropped, droppedEvents);
            Interlocked.Add(ref tally.EventsPseudonymized, pseudonymized);
            Interlocked.Add(ref tally.FieldsDropped, droppedFields);
            Counted?.Invoke(sourceId, droppedEvents, pseudonymized, droppedFields);
        }
        return kept;
    }

    private async ValueTask<bool> AnalyticsConsentAsync(TailorEvent e, Dictionary<string, bool> answers, CancellationToken ct)
    {
        var user = e.UserId is null ? null : "u:" + e.UserId;
        var anonymous = e.AnonymousId is null ? null : "a:" + e.AnonymousId;
        if (SourcePolicy.ConsentAnswer(e) is { } own)
        {
            if (user is not null) answers[user] = own;
            if (anonymous is not null) answers[anonymous] = own;
            return own;
        }
        if (user is not null && answers.TryGetValue(user, out var known)) return known;
        if (anonymous is not null && answers.TryGetValue(anonymous, out known)) return known;
        Profile? profile = null;
        if (e.UserId is not null) profile = await profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, e.UserId), ct);
        if (profile is null && e.AnonymousId is not null) profile = await profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.AnonymousId, e.AnonymousId), ct);
        var recorded = ConsentGate.Refusal(profile, ConsentPurposes.Analytics) is null;
        if (user is not null) answers[user] = recorded;
        if (anonymous is not null) answers[anonymous] = recorded;
        return recorded;
    }

    private sealed record Snapshot(Dictionary<string, SourcePolicy> Policies, DateTimeOffset At);

    private sealed class Tally
    {
        public long EventsDropped;
        public long EventsPseudonymized;
        public long FieldsDropped;
    }
}
