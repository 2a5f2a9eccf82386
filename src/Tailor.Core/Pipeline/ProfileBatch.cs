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
/// Guards (<see cref="ProfileLimits"/>): ignored identifier values (<c>undefined</c>, <c>null</c>…) are dropped from
/// the event's identities; an event left with none belongs to no profile. A merge, or a new identity, that would take
/// a profile past its identity cap is refused and recorded; the event then lands on the profile it chose, alone. The
/// trait caps never refuse a merge (only identities decide where an event lands): the survivor keeps what fits.
/// </remarks>
public sealed class ProfileBatch
{
    private readonly Dictionary<Identity.ProfileIdentifier, Profile> _owners = [];
    private readonly Dictionary<string, Profile> _dirty = new(StringComparer.Ordinal);
    private readonly List<IdentityLink> _links = [];
    private readonly List<EventAssignment> _assignments = [];
    private readonly List<TraitChange> _history = [];
    private readonly List<ProfileMerge> _merges = [];
    private readonly List<ProfileRefusal> _refusals = [];
    private readonly List<Privacy.ConsentChange> _consents = [];
    private readonly ProfileReducer _reducer;
    private readonly ProfileLimits _limits;
    private readonly DateTimeOffset _now;

    public ProfileBatch(IEnumerable<Profile> loaded, ProfileReducer reducer, DateTimeOffset now)
    {
        _reducer = reducer;
        _limits = reducer.Limits;
        _now = now;
        foreach (var profile in loaded)
            foreach (var identity in profile.Identities)
                _owners[identity] = profile;
    }

    /// <summary>Identities whose owners must be loaded before <paramref name="events"/> can be applied.</summary>
    public static HashSet<Identity.ProfileIdentifier> IdentitiesOf(IEnumerable<EventView> events, ProfileLimits? limits = null)
    {
        limits ??= ProfileLimits.Default;
        var set = new HashSet<Identity.ProfileIdentifier>();
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

    /// <summary>
    /// True when folding <paramref name="view"/> reads a part of the message where a protected value can be sealed,
    /// so the pipeline must open its payload first; false lets it fold the message as stored (issue 13: opening every
    /// payload was most of what encryption cost the fold).
    /// </summary>
    /// <remarks>
    /// Values are sealed in <c>traits</c>, <c>context.traits</c>, <c>properties</c> and <c>context.ip</c>
    /// (<see cref="Privacy.PersonalDataProtection.ProtectMessage"/>). Of these the fold reads the traits an event
    /// carries (and the email and phone identities among them), the properties of an order (revenue) and of a tags
    /// update, and the IP as a consent's "where". Anything else it reads (ids, names, <c>previousId</c>,
    /// <c>context.geo</c>, <c>context.device</c>, <c>context.consent</c>) is never sealed. A test folds sealed and
    /// opened messages of every kind and compares: a new read of a protected part must be added here.
    /// </remarks>
    public static bool NeedsOpenedPayload(in EventView view)
    {
        if (view.Traits.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            using var traits = view.Traits.EnumerateObject();
            if (traits.MoveNext()) return true;
        }
        if (EventView.Child(view.Context, "consent").ValueKind != System.Text.Json.JsonValueKind.Undefined) return true;
        return view.Event.Type == EventType.Track && view.Event.Name is ProfileReducer.OrderCompleted or ProfileReducer.TagsUpdated;
    }

    /// <summary>Applies one event; returns the profile it landed on, or null when it named no usable identity.</summary>
    public Profile? Apply(in EventView view)
    {
        var e = view.Event;
        var identities = UsableIdentities(view, _limits);
        var isAlias = e.Type == EventType.Alias;
        if (isAlias && view.PreviousId is { } previous && !_limits.IsIgnored(previous))
        {
            var asUser = new Identity.ProfileIdentifier(IdentityTypes.UserId, previous);
            identities.Add(_owners.ContainsKey(asUser) ? asUser : new(IdentityTypes.AnonymousId, previous));
        }
        if (identities.Count == 0)
        {
            // Only "undefined", "null" and the like: joining such events to anyone would collapse strangers into one.
            Refuse(null, ProfileRefusalKinds.Unresolvable, "the event names no usable identity (empty or ignored values only)", view);
            return null;
        }

        var userId = e.UserId is { } named && !_limits.IsIgnored(named) ? named : null;
        var target = ChooseTarget(identities, userId, isAlias, view.Logged.Sequence, out var mergeable);
        mergeable.RemoveAll(p => ReferenceEquals(p, target));
        var mergeRefused = mergeable.Count > 0 && RefuseMerge(target, mergeable, identities, view);
        if (!mergeRefused)
            foreach (var other in mergeable) Merge(target, other, view, identities);

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

        _reducer.Apply(target, view, _history, _refusals, _consents);
        target.UpdatedAt = _now; // when Tailor last changed the profile (caches key on it); event times are in Computed
        _assignments.Add(new EventAssignment(view.Logged.Sequence, target.Id));
        _dirty[target.Id] = target;
        return target;
    }

    /// <summary>The event's identities without empty or ignored values (<see cref="ProfileLimits.IgnoredIdentityValues"/>).</summary>
    public static List<Identity.ProfileIdentifier> UsableIdentities(in EventView view, ProfileLimits limits)
    {
        var identities = view.Identities();
        for (var i = identities.Count - 1; i >= 0; i--)
            if (limits.IsIgnored(identities[i].Value)) identities.RemoveAt(i);
        return identities;
    }

    /// <summary>
    /// True (and recorded) when merging <paramref name="others"/> into <paramref name="target"/> would pass the identity
    /// cap. Only identities decide where an event lands: the trait caps apply to what a merge keeps
    /// (<see cref="ProfileReducer.Merge"/>), so resolution never depends on folded trait state (docs/scale.md).
    /// </summary>
    private bool RefuseMerge(Profile target, List<Profile> others, List<Identity.ProfileIdentifier> identities, in EventView view)
    {
        var ids = new HashSet<Identity.ProfileIdentifier>(target.Identities);
        foreach (var other in others) ids.UnionWith(other.Identities);
        ids.UnionWith(identities);
        if (ids.Count <= _limits.MaxIdentitiesPerProfile) return false;
        Refuse(target.Id, ProfileRefusalKinds.Merge,
            $"not merged with {string.Join(", ", others.Select(o => o.Id))}: the result would hold {ids.Count} identities (limit {_limits.MaxIdentitiesPerProfile})", view);
        return true;
    }

    private void Refuse(string? profileId, string kind, string detail, in EventView view) =>
        _refusals.Add(new ProfileRefusal(profileId, kind, detail, view.Logged.Sequence, view.Event.MessageId, view.Event.ReceivedAt));

    /// <summary>The batch's changes, committed with the pipeline's move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public ProfileChangeSet ToChangeSet(long from, long to) =>
        new([.. _dirty.Values], _links, _assignments, _history, _merges, new Storage.PositionMove(Storage.Followers.Profiles, from, to)) { Refusals = _refusals, ConsentHistory = _consents };

    private Profile ChooseTarget(List<Identity.ProfileIdentifier> identities, string? userId, bool isAlias, long sequence, out List<Profile> mergeable)
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
            var created = new Profile { Id = ProfileIds.ForEvent(sequence), CreatedAt = _now, UpdatedAt = _now };
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

    private void Merge(Profile winner, Profile loser, in EventView view, List<Identity.ProfileIdentifier> identities)
    {
        var cause = view.Event;
        foreach (var identity in loser.Identities) _owners[identity] = winner;
        if (_reducer.Merge(winner, loser) is { } refused)
            Refuse(winner.Id, ProfileRefusalKinds.Trait, $"{refused.Count} of the traits of merged profile {loser.Id} not kept, the first {refused[0]}", view);
        _dirty[loser.Id] = loser;
        _merges.Add(new ProfileMerge(winner.Id, loser.Id, _now, cause.MessageId,
            $"{cause.Type.ToWire()} linked {string.Join(", ", identities)}") { Sequence = view.Logged.Sequence });
    }
}
