using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;

namespace Tailor.Core.Pipeline;

/// <summary>
/// The identity half of the fold: in log order, which profile each event belongs to — the profile it creates, the
/// identities it links, the profiles it merges, and what the guards refuse. It reads and writes only a profile's id,
/// creation time, identities and <see cref="Profile.MergedInto"/>, never what the reduction folds (traits, consent,
/// counts), so resolution can run ahead of a reduction split by profile (docs/scale.md).
/// </summary>
/// <remarks>
/// Merge rules: identities that meet in one event belong to one profile, except that a profile never takes a second
/// userId implicitly (a shared device must not join two customers); only <c>alias</c> merges two known users.
/// The profile that holds the event's userId (or, for an event without one, the only userId among the profiles)
/// survives a merge, else the oldest one does, so known customers keep their id.
/// Guards (<see cref="ProfileLimits"/>): ignored identifier values (<c>undefined</c>, <c>null</c>…) are dropped from
/// the event's identities; an event left with none belongs to no profile. A merge, or a new identity, that would take a
/// profile past its identity cap is refused and recorded; the event then lands on the profile it chose, alone.
/// </remarks>
public sealed class IdentityResolver
{
    private readonly Dictionary<ProfileIdentifier, Profile> _owners = [];
    private readonly List<IdentityLink> _links = [];
    private readonly List<ProfileMerge> _merges = [];
    private readonly List<ProfileRefusal> _refusals;
    private readonly ProfileLimits _limits;
    private readonly DateTimeOffset _now;

    /// <param name="loaded">The profiles that own the identities the events name, as committed.</param>
    /// <param name="refusals">Where refusals are recorded (shared with the reduction's, in the order they happen).</param>
    public IdentityResolver(IEnumerable<Profile> loaded, ProfileLimits limits, DateTimeOffset now, List<ProfileRefusal> refusals)
    {
        _limits = limits;
        _now = now;
        _refusals = refusals;
        foreach (var profile in loaded)
            foreach (var identity in profile.Identities)
                _owners[identity] = profile;
    }

    /// <summary>The identity links made so far.</summary>
    public List<IdentityLink> Links => _links;

    /// <summary>The merges made so far.</summary>
    public List<ProfileMerge> Merges => _merges;

    /// <summary>Identities whose owners must be loaded before <paramref name="events"/> can be resolved.</summary>
    public static HashSet<ProfileIdentifier> IdentitiesOf(IEnumerable<EventView> events, ProfileLimits? limits = null)
    {
        limits ??= ProfileLimits.Default;
        var set = new HashSet<ProfileIdentifier>();
        foreach (var view in events)
        {
            foreach (var identity in view.Identities())
                if (!limits.IsIgnored(identity.Value)) set.Add(identity);
            if (view.Event.Type == EventType.Alias && view.PreviousId is { } previous && !limits.IsIgnored(previous))
            {
                set.Add(new(IdentityTypes.UserId, previous));
                set.Add(new(IdentityTypes.AnonymousId, previous));
            }
        }
        return set;
    }

    /// <summary>The event's identities without empty or ignored values (<see cref="ProfileLimits.IgnoredIdentityValues"/>).</summary>
    public static List<ProfileIdentifier> UsableIdentities(in EventView view, ProfileLimits limits)
    {
        var identities = view.Identities();
        for (var i = identities.Count - 1; i >= 0; i--)
            if (limits.IsIgnored(identities[i].Value)) identities.RemoveAt(i);
        return identities;
    }

    /// <summary>
    /// The profile <paramref name="view"/> belongs to (new, when no profile owns its identities) and the profiles it
    /// merged into that one, or null when the event names no usable identity.
    /// </summary>
    public Resolution? Resolve(in EventView view)
    {
        var e = view.Event;
        var identities = UsableIdentities(view, _limits);
        var isAlias = e.Type == EventType.Alias;
        if (isAlias && view.PreviousId is { } previous && !_limits.IsIgnored(previous))
        {
            var asUser = new ProfileIdentifier(IdentityTypes.UserId, previous);
            identities.Add(_owners.ContainsKey(asUser) ? asUser : new(IdentityTypes.AnonymousId, previous));
        }
        if (identities.Count == 0)
        {
            // Only "undefined", "null" and the like: joining such events to anyone would collapse strangers into one.
            Refuse(null, ProfileRefusalKinds.Unresolvable, "the event names no usable identity (empty or ignored values only)", view);
            return null;
        }

        var userId = e.UserId is { } named && !_limits.IsIgnored(named) ? named : null;
        var target = ChooseTarget(identities, userId, isAlias, view.Logged, out var mergeable);
        mergeable.RemoveAll(p => ReferenceEquals(p, target));
        var mergeRefused = mergeable.Count > 0 && RefuseMerge(target, mergeable, identities, view);
        if (mergeRefused) mergeable.Clear();
        foreach (var other in mergeable) Absorb(target, other, view, identities);

        var identityRefused = false;
        foreach (var identity in identities)
        {
            if (_owners.TryGetValue(identity, out var owner))
            {
                if (ReferenceEquals(owner, target) || !isAlias || mergeRefused) continue; // owned elsewhere by another known user: leave it there
            }
            else if (target.Identities.Count >= _limits.MaxIdentitiesPerProfile)
            {
                if (!identityRefused)
                    Refuse(target.Id, ProfileRefusalKinds.Identity, $"{identity} not linked: the profile holds {target.Identities.Count} identities (limit {_limits.MaxIdentitiesPerProfile})", view);
                identityRefused = true;
                continue;
            }
            _owners[identity] = target;
            if (!target.Identities.Contains(identity)) target.Identities.Add(identity);
            _links.Add(new IdentityLink(identity, target.Id, e.Timestamp));
        }
        return new Resolution(target, mergeable);
    }

    /// <summary>True (and recorded) when merging <paramref name="others"/> into <paramref name="target"/> would pass the identity cap.</summary>
    private bool RefuseMerge(Profile target, List<Profile> others, List<ProfileIdentifier> identities, in EventView view)
    {
        var ids = new HashSet<ProfileIdentifier>(target.Identities);
        foreach (var other in others) ids.UnionWith(other.Identities);
        ids.UnionWith(identities);
        if (ids.Count <= _limits.MaxIdentitiesPerProfile) return false;
        Refuse(target.Id, ProfileRefusalKinds.Merge,
            $"not merged with {string.Join(", ", others.Select(o => o.Id))}: the result would hold {ids.Count} identities (limit {_limits.MaxIdentitiesPerProfile})", view);
        return true;
    }

    private void Refuse(string? profileId, string kind, string detail, in EventView view) =>
        _refusals.Add(ProfileRefusal.Of(profileId, kind, detail, view));

    private Profile ChooseTarget(List<ProfileIdentifier> identities, string? userId, bool isAlias, LoggedEvent made, out List<Profile> mergeable)
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
            var created = new Profile { Id = ProfileIds.ForEvent(made), CreatedAt = _now, UpdatedAt = _now };
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

    /// <summary>The identity side of a merge: the loser's identities go to the winner, and the loser points at it.</summary>
    private void Absorb(Profile winner, Profile loser, in EventView view, List<ProfileIdentifier> identities)
    {
        foreach (var identity in loser.Identities)
        {
            _owners[identity] = winner;
            if (!winner.Identities.Contains(identity)) winner.Identities.Add(identity);
        }
        loser.MergedInto = winner.Id;
        var cause = view.Event;
        _merges.Add(new ProfileMerge(winner.Id, loser.Id, _now, cause.MessageId,
            $"{cause.Type.ToWire()} linked {string.Join(", ", identities)}") { Sequence = view.Logged.Sequence });
    }
}

/// <summary>Where an event landed: the profile, and the profiles it merged into that one (their state still to fold in).</summary>
public readonly record struct Resolution(Profile Target, IReadOnlyList<Profile> Absorbed);
