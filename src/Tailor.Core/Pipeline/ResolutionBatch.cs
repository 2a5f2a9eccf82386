using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Pipeline;

/// <summary>
/// The identity stage's batch of a fold split by profile key (docs/scale.md): resolves a run of events, in log order,
/// to their profiles with <see cref="IdentityResolver"/> and reduces nothing. Its change set carries the new profiles
/// (empty), the links, the assignments and the merges; the fold's partitions reduce the events afterwards
/// (<see cref="ReductionBatch"/>).
/// </summary>
public sealed class ResolutionBatch
{
    private readonly IdentityResolver _resolver;
    private readonly HashSet<string> _known;
    private readonly Dictionary<string, Profile> _touched = new(StringComparer.Ordinal);
    private readonly List<Profile> _created = [];
    private readonly List<EventAssignment> _assignments = [];
    private readonly List<ProfileRefusal> _refusals = [];

    /// <param name="loaded">The profiles that own the identities the events name; only their ids, creation times and identities are read.</param>
    public ResolutionBatch(IReadOnlyCollection<Profile> loaded, ProfileLimits limits, DateTimeOffset now)
    {
        _known = new HashSet<string>(loaded.Select(p => p.Id), StringComparer.Ordinal);
        _resolver = new IdentityResolver(loaded, limits, now, _refusals);
    }

    /// <summary>The profiles this batch resolved events to or merged away, as the resolver now sees them.</summary>
    public IReadOnlyCollection<Profile> Touched => _touched.Values;

    /// <summary>Resolves one event; returns the profile it belongs to, or null when it named no usable identity.</summary>
    public Profile? Apply(in EventView view)
    {
        if (_resolver.Resolve(view) is not { } resolved) return null;
        var (target, absorbed) = resolved;
        if (_known.Add(target.Id)) _created.Add(target);
        foreach (var loser in absorbed) _touched[loser.Id] = loser;
        _touched[target.Id] = target;
        _assignments.Add(new EventAssignment(view.Logged.Sequence, target.Id));
        return target;
    }

    /// <summary>The batch's resolution, committed with the identity stage's move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public ProfileChangeSet ToChangeSet(long from, long to) =>
        new(_created, _resolver.Links, _assignments, [], _resolver.Merges, new PositionMove(Followers.Identities, from, to))
        {
            Refusals = _refusals,
            Stage = FoldStage.Identities,
        };
}
