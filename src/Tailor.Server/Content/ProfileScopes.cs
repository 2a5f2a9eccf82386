using System.Collections.Concurrent;
using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;
using Tailor.Application.Segments;

namespace Tailor.Server.Content;

/// <summary>
/// Reads what a render needs of one profile — the profile, the events block conditions read, its segment names — and
/// keeps it warm for placements. An entry is dropped the moment the profile pipeline commits a change to that
/// profile or the segment engine changes its memberships, so a placement never shows older data than the profile
/// store has (entries also expire after <see cref="MaxAge"/>; in a cluster, other nodes' changes arrive through the
/// broker, and while it is away nothing older than 1 s is served: docs/scale.md). The changes come from
/// the host's <see cref="ChangeFeed"/>, read from the moment this is first needed (before that, nothing is cached).
/// </summary>
public sealed class ProfileScopes : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Entry> _byProfile = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ProfileId, DateTimeOffset At)> _owners = new(StringComparer.Ordinal);
    /// <summary>Moves on every change notice; a read that a notice overtook is served but not kept (it may predate the change).</summary>
    private long _generation;
    private readonly ISegmentStore _segmentStore;
    private readonly IProfileStore _profiles;
    private readonly SegmentEngine _segments;
    private readonly TimeProvider _time;
    private readonly IDisposable _subscription;
    private readonly ChangeFeed _changes;

    private sealed record Entry(ProfileFacts Facts, DateTimeOffset LoadedAt, IReadOnlySet<string> EventNames);

    public ProfileScopes(ISegmentStore segmentStore, IProfileStore profiles, SegmentEngine segments, ChangeFeed changes, TimeProvider time)
    {
        _segmentStore = segmentStore;
        _profiles = profiles;
        _segments = segments;
        _time = time;
        _changes = changes;
        _subscription = changes.Subscribe(OnProfilesChanged, OnMembershipsChanged, OnChangedElsewhere);
    }

    private void OnProfilesChanged(IReadOnlyList<Profile> profiles)
    {
        Interlocked.Increment(ref _generation);
        foreach (var p in profiles)
        {
            Invalidate(p.Id);
            // A merge or a new link moves identities between profiles: forget where they pointed.
            foreach (var identity in p.Identities) _owners.TryRemove(Key(identity), out _);
        }
    }

    private void OnMembershipsChanged(IReadOnlyList<MembershipChange> changes)
    {
        Interlocked.Increment(ref _generation);
        foreach (var c in changes) Invalidate(c.ProfileId);
    }

    /// <summary>Another node changed these profiles (null: anything may have changed): drop them, and where their identities pointed.</summary>
    private void OnChangedElsewhere(IReadOnlyList<string>? profileIds)
    {
        Interlocked.Increment(ref _generation);
        if (profileIds is null)
        {
            _byProfile.Clear();
            _owners.Clear();
            return;
        }
        var ids = profileIds.ToHashSet(StringComparer.Ordinal);
        foreach (var id in ids) Invalidate(id);
        foreach (var (key, owner) in _owners)
            if (ids.Contains(owner.ProfileId)) _owners.TryRemove(key, out _);
    }

    /// <summary>How old an entry may be served: <see cref="MaxAge"/>, or 1 s while other nodes' changes are not heard.</summary>
    private TimeSpan Freshness => _changes.HearsOtherNodes() ? MaxAge : ChangeFeed.UnheardMaxAge;

    public void Dispose() => _subscription.Dispose();

    public void Invalidate(string profileId) => _byProfile.TryRemove(profileId, out _);

    /// <summary>The profile's facts (fresh when <paramref name="warm"/> is false), or null for an unknown or merged-away id.</summary>
    public async ValueTask<ProfileFacts?> FactsAsync(string profileId, IReadOnlySet<string> eventNames, bool warm, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        Entry? entry = null;
        var hit = warm && _byProfile.TryGetValue(profileId, out entry) && now - entry.LoadedAt < Freshness && eventNames.IsSubsetOf(entry.EventNames);
        if (warm) Observability.TailorMetrics.Cache("profile-scopes", hit);
        if (hit) return entry!.Facts;
        var generation = Interlocked.Read(ref _generation);
        var snapshots = await _segmentStore.SnapshotsAsync([profileId], SnapshotScope.Full(eventNames), ct);
        if (snapshots.Count == 0) return null;
        var snapshot = snapshots[0];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in snapshot.Memberships)
            if (_segments.Catalog.ById(id) is { } segment) names.Add(segment.Name);
        var facts = new ProfileFacts(snapshot.Profile, snapshot.Events, names, NoPopulationStats.Instance);
        if (warm && Interlocked.Read(ref _generation) == generation) _byProfile[profileId] = new Entry(facts, now, eventNames);
        return facts;
    }

    /// <summary>The id of the live profile that owns an identity, or null (unknown identities are not remembered).</summary>
    public async ValueTask<string?> OwnerAsync(ProfileIdentifier identity, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var key = Key(identity);
        if (_owners.TryGetValue(key, out var known) && now - known.At < Freshness) return known.ProfileId;
        var generation = Interlocked.Read(ref _generation);
        var profile = await _profiles.FindProfileAsync(identity, ct);
        if (profile is null) return null;
        if (Interlocked.Read(ref _generation) == generation) _owners[key] = (profile.Id, now);
        return profile.Id;
    }

    private static string Key(ProfileIdentifier identity) => $"{identity.Type}\n{identity.Value}";
}
