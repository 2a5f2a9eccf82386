using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;

namespace Tailor.Core.Pipeline;

/// <summary>
/// Applies a run of events, in log order, to the profiles they touch: resolves identities, merges profiles that an
/// event ties together, and folds each event in. Pure and in memory; the result is one <see cref="ProfileChangeSet"/>.
/// </summary>
/// <remarks>
/// Merge rules: identities that meet in one event belong to one profile, except that a profile never takes a second
/// userId implicitly (a shared device must not join two customers); only <c>alias</c> merges two known users.
/// The profile that holds the event's userId (or, for an event without one, the only userId among the profiles) survives a
/// merge, else the oldest one does, so known customers keep their id.
/// </remarks>
public sealed class ProfileBatch
{
    private readonly Dictionary<Identity.Identity, Profile> _owners = [];
    private readonly Dictionary<string, Profile> _dirty = new(StringComparer.Ordinal);
    private readonly List<IdentityLink> _links = [];
    private readonly List<EventAssignment> _assignments = [];
    private readonly List<TraitChange> _history = [];
    private readonly List<ProfileMerge> _merges = [];
    private readonly ProfileReducer _reducer;
    private readonly Func<string> _newProfileId;
    private readonly DateTimeOffset _now;

    public ProfileBatch(IEnumerable<Profile> loaded, ProfileReducer reducer, Func<string> newProfileId, DateTimeOffset now)
    {
        _reducer = reducer;
        _newProfileId = newProfileId;
        _now = now;
        foreach (var profile in loaded)
            foreach (var identity in profile.Identities)
                _owners[identity] = profile;
    }

    /// <summary>Identities whose owners must be loaded before <paramref name="events"/> can be applied.</summary>
    public static HashSet<Identity.Identity> IdentitiesOf(IEnumerable<EventView> events)
    {
        var set = new HashSet<Identity.Identity>();
        foreach (var view in events)
        {
            foreach (var identity in view.Identities()) set.Add(identity);
            if (view.Event.Type == EventType.Alias && view.PreviousId is { } previous)
            {
                set.Add(new(IdentityTypes.UserId, previous));
                set.Add(new(IdentityTypes.AnonymousId, previous));
            }
        }
        return set;
    }

    public Profile Apply(in EventView view)
    {
        var e = view.Event;
        var identities = view.Identities();
        var isAlias = e.Type == EventType.Alias;
        if (isAlias && view.PreviousId is { } previous)
        {
            var asUser = new Identity.Identity(IdentityTypes.UserId, previous);
            identities.Add(_owners.ContainsKey(asUser) ? asUser : new(IdentityTypes.AnonymousId, previous));
        }

        var target = ChooseTarget(identities, e.UserId, isAlias, out var mergeable);
        foreach (var other in mergeable)
            if (!ReferenceEquals(other, target)) Merge(target, other, e, identities);

        foreach (var identity in identities)
        {
            if (_owners.TryGetValue(identity, out var owner))
            {
                if (ReferenceEquals(owner, target) || !isAlias) continue; // owned elsewhere by another known user: leave it there
            }
            _owners[identity] = target;
            if (!target.Identities.Contains(identity)) target.Identities.Add(identity);
            _links.Add(new IdentityLink(identity, target.Id, e.Timestamp));
        }

        _reducer.Apply(target, view, _history);
        target.UpdatedAt = _now; // when Tailor last changed the profile (caches key on it); event times are in Computed
        _assignments.Add(new EventAssignment(view.Logged.Sequence, target.Id));
        _dirty[target.Id] = target;
        return target;
    }

    public ProfileChangeSet ToChangeSet(long position) =>
        new([.. _dirty.Values], _links, _assignments, _history, _merges, position);

    private Profile ChooseTarget(List<Identity.Identity> identities, string? userId, bool isAlias, out List<Profile> mergeable)
    {
        mergeable = [];
        Profile? userOwner = null;
        foreach (var identity in identities)
        {
            if (!_owners.TryGetValue(identity, out var owner) || mergeable.Contains(owner)) continue;
            if (userId is not null && identity is { Type: IdentityTypes.UserId } && identity.Value == userId) userOwner = owner;
            mergeable.Add(owner);
        }
        if (!isAlias && (userId ?? FirstUserId(mergeable)) is { } anchor)
        {
            mergeable.RemoveAll(p => HoldsOtherUserId(p, anchor));
            // An event without a userId can still tie a known user to anonymous profiles: the known user keeps its id.
            userOwner ??= mergeable.Find(p => p.Identities.Contains(new(IdentityTypes.UserId, anchor)));
        }

        if (mergeable.Count == 0)
        {
            var created = new Profile { Id = _newProfileId(), CreatedAt = _now, UpdatedAt = _now };
            mergeable.Add(created);
            return created;
        }
        if (userOwner is not null) return userOwner;
        var winner = mergeable[0];
        foreach (var p in mergeable)
            if (p.CreatedAt < winner.CreatedAt || (p.CreatedAt == winner.CreatedAt && string.CompareOrdinal(p.Id, winner.Id) < 0))
                winner = p;
        return winner;
    }

    /// <summary>A profile that belongs to a different known user must not be merged implicitly.</summary>
    private static bool HoldsOtherUserId(Profile profile, string anchorUserId)
    {
        var holdsAny = false;
        foreach (var identity in profile.Identities)
        {
            if (identity.Type != IdentityTypes.UserId) continue;
            if (identity.Value == anchorUserId) return false;
            holdsAny = true;
        }
        return holdsAny;
    }

    private static string? FirstUserId(List<Profile> profiles)
    {
        foreach (var profile in profiles)
            foreach (var identity in profile.Identities)
                if (identity.Type == IdentityTypes.UserId) return identity.Value;
        return null;
    }

    private void Merge(Profile winner, Profile loser, TailorEvent cause, List<Identity.Identity> identities)
    {
        foreach (var identity in loser.Identities) _owners[identity] = winner;
        ProfileReducer.Merge(winner, loser);
        _dirty[loser.Id] = loser;
        _merges.Add(new ProfileMerge(winner.Id, loser.Id, _now, cause.MessageId,
            $"{cause.Type.ToWire()} linked {string.Join(", ", identities)}"));
    }
}
