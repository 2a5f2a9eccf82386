using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Pipeline;

/// <summary>Everything an undo of a merge writes, in one transaction (planned by <see cref="MergeUndoPlanner"/>).</summary>
/// <param name="Survivor">The surviving profile, folded again from the events it keeps.</param>
/// <param name="Restored">The merged-away profile, live again, folded from the events it gets back.</param>
/// <param name="Identities">Identities that go back from the survivor to the restored profile.</param>
/// <param name="Events">Sequences of the events that go back.</param>
/// <param name="TraitHistory">
/// Both profiles' trait history from the events folded again: it replaces those events' rows, because a value the merged
/// profile already held was not recorded when said again (<see cref="Profiles.ProfileReducer"/>), and may be a change for
/// the side that now holds that event alone. Rows of events no longer in the log (retention) stay where they are.
/// </param>
/// <param name="FoldedAgain">The events folded again, whose history rows <paramref name="TraitHistory"/> replaces: by log position, and by source and messageId for rows written before migration 0042.</param>
/// <param name="Absorbed">Profiles that had been merged into the restored one: they point at it again.</param>
/// <param name="Runs">Waiting journey runs that a moved event started: they move with it.</param>
/// <param name="Position">
/// The profile pipeline's move, from the position the plan was made at (a batch committed since may have changed either
/// profile, so the undo then fails) to the sequence of the request event.
/// </param>
public sealed record MergeUndo(
    long MergeId,
    Profile Survivor,
    Profile Restored,
    IReadOnlyList<Identity.ProfileIdentifier> Identities,
    IReadOnlyList<long> Events,
    IReadOnlyList<TraitChange> TraitHistory,
    IReadOnlyList<(long Sequence, string Source, string MessageId)> FoldedAgain,
    IReadOnlyList<string> Absorbed,
    IReadOnlyList<string> Runs,
    DateTimeOffset At,
    PositionMove Position)
{
    /// <summary>What the undo moved, as recorded on the merge.</summary>
    public string Detail =>
        $"restored {Restored.Id} from {Survivor.Id}; moved back: identities {Identities.Count}, events {Events.Count}, waiting journeys {Runs.Count}";
}
