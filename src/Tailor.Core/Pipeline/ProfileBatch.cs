using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;

namespace Tailor.Core.Pipeline;

/// <summary>
/// Applies a run of events, in log order, to the profiles they touch: the <see cref="IdentityResolver"/> says which
/// profile each event belongs to and which profiles it merges, then <see cref="ProfileReducer"/> folds the merged
/// profiles' state and the event in. Pure and in memory; the result is one <see cref="ProfileChangeSet"/>.
/// </summary>
/// <remarks>
/// The trait caps never refuse a merge (only identities decide where an event lands): the survivor keeps the traits
/// that fit, and the rest are recorded as one trait refusal.
/// </remarks>
public sealed class ProfileBatch
{
    private readonly IdentityResolver _resolver;
    private readonly Dictionary<string, Profile> _dirty = new(StringComparer.Ordinal);
    private readonly List<EventAssignment> _assignments = [];
    private readonly List<TraitChange> _history = [];
    private readonly List<ProfileRefusal> _refusals = [];
    private readonly List<Privacy.ConsentChange> _consents = [];
    private readonly ProfileReducer _reducer;
    private readonly DateTimeOffset _now;

    public ProfileBatch(IEnumerable<Profile> loaded, ProfileReducer reducer, DateTimeOffset now)
    {
        _reducer = reducer;
        _now = now;
        _resolver = new IdentityResolver(loaded, reducer.Limits, now, _refusals);
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
        if (_resolver.Resolve(view) is not { } resolved) return null;
        var (target, absorbed) = resolved;
        foreach (var loser in absorbed)
        {
            if (_reducer.Merge(target, loser) is { } refused)
                _refusals.Add(ProfileRefusal.Of(target.Id, ProfileRefusalKinds.Trait,
                    $"{refused.Count} of the traits of merged profile {loser.Id} not kept, the first {refused[0]}", view));
            _dirty[loser.Id] = loser;
        }
        _reducer.Apply(target, view, _history, _refusals, _consents);
        target.UpdatedAt = _now; // when Tailor last changed the profile (caches key on it); event times are in Computed
        _assignments.Add(new EventAssignment(view.Logged.Sequence, target.Id));
        _dirty[target.Id] = target;
        return target;
    }

    /// <summary>The batch's changes, committed with the pipeline's move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public ProfileChangeSet ToChangeSet(long from, long to) =>
        new([.. _dirty.Values], _resolver.Links, _assignments, _history, _resolver.Merges, new Storage.PositionMove(Storage.Followers.Profiles, from, to)) { Refusals = _refusals, ConsentHistory = _consents };
}
