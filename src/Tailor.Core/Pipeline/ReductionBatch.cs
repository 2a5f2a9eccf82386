using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Pipeline;

/// <summary>
/// One partition's batch of a fold split by profile key (docs/scale.md): folds the merges whose survivors the
/// partition holds and then its events, already resolved by the identity stage, into profiles loaded by id. Pure and
/// in memory, like <see cref="ProfileBatch"/>, whose reduction it repeats without the resolving.
/// </summary>
/// <param name="profiles">Every profile the batch names (the events' profiles, the merges' survivors and losers), as committed.</param>
public sealed class ReductionBatch(IReadOnlyDictionary<string, Profile> profiles, ProfileReducer reducer, DateTimeOffset now)
{
    private readonly Dictionary<string, Profile> _dirty = new(StringComparer.Ordinal);
    private readonly List<TraitChange> _history = [];
    private readonly List<ProfileRefusal> _refusals = [];
    private readonly List<Privacy.ConsentChange> _consents = [];
    private readonly List<ProfileMerge> _merges = [];

    /// <summary>
    /// Folds the loser's state into the survivor, as the whole fold does when the event tying them arrives; the caller
    /// has made sure every event of the loser before the merge is folded into it.
    /// </summary>
    public void Merge(ProfileMerge merge)
    {
        var winner = Named(merge.WinnerId, merge.Sequence);
        var loser = Named(merge.LoserId, merge.Sequence);
        if (reducer.Merge(winner, loser) is { } refused)
            _refusals.Add(new ProfileRefusal(winner.Id, ProfileRefusalKinds.Trait,
                $"{refused.Count} of the traits of merged profile {loser.Id} not kept, the first {refused[0]}", merge.Sequence, merge.MessageId, merge.At));
        loser.MergedInto = winner.Id;
        _dirty[loser.Id] = loser;
        _dirty[winner.Id] = winner;
        _merges.Add(merge);
    }

    /// <summary>Folds one event into the profile the identity stage assigned it to.</summary>
    public void Apply(string profileId, in EventView view)
    {
        var target = Named(profileId, view.Logged.Sequence);
        reducer.Apply(target, view, _history, _refusals, _consents);
        target.UpdatedAt = now;
        _dirty[target.Id] = target;
    }

    /// <summary>The batch's changes, committed with the partition's <paramref name="move"/>.</summary>
    public ProfileChangeSet ToChangeSet(PositionMove move) =>
        new([.. _dirty.Values], [], [], _history, _merges, move)
        {
            Refusals = _refusals,
            ConsentHistory = _consents,
            Stage = FoldStage.Reduction,
        };

    private Profile Named(string id, long sequence) =>
        profiles.TryGetValue(id, out var profile) ? profile
        : throw new InvalidOperationException($"Profile {id}, which the identity stage assigned event {sequence} to, is not in the store.");
}
