using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Triggers;

namespace Tailor.Core.Pipeline;

/// <summary>
/// Decides what undoing a merge gives back, without I/O. A profile is a fold over its events, so the undo splits the
/// survivor's events in two and folds each side again with the same <see cref="ProfileReducer"/>:
/// <list type="bullet">
/// <item>the events the merged-away profile held at the merge go back to it, and so do its identities;</item>
/// <item>an event logged after the merge goes back only when every usable identity it carries was the merged-away
/// profile's; an event that also carried the survivor's identities (or new ones) stays;</item>
/// <item>the event that caused the merge stays with the survivor (it chose the survivor), without the other side's
/// identities, and is not applied again: only a new linking event merges the two again;</item>
/// <item>a waiting journey started by an event that goes back moves with it.</item>
/// </list>
/// </summary>
public sealed class MergeUndoPlanner(ProfileReducer reducer)
{
    /// <param name="loser">The merged-away profile as stored (its <c>MergedInto</c> names <paramref name="survivor"/>).</param>
    /// <param name="survivorEvents">Every event of the survivor, in log order.</param>
    /// <param name="waitingRuns">Waiting runs of the survivor and of the merged-away profile.</param>
    public MergeUndo Plan(MergeRecord record, Profile loser, Profile survivor, IReadOnlyList<LoggedEvent> survivorEvents,
        IReadOnlyList<JourneyRun> waitingRuns, long pipelinePosition, DateTimeOffset now)
    {
        var loserIdentities = record.LoserIdentities.ToHashSet();
        var recorded = record.LoserEvents.ToHashSet();
        var restored = new Profile { Id = loser.Id, CreatedAt = loser.CreatedAt, UpdatedAt = now };
        var kept = new Profile { Id = survivor.Id, CreatedAt = survivor.CreatedAt, UpdatedAt = now };
        foreach (var identity in survivor.Identities)
            (loserIdentities.Contains(identity) ? restored : kept).Identities.Add(identity);

        var moved = new List<long>();
        var movedPayloads = new HashSet<string>(StringComparer.Ordinal); // an event-started run keeps its event's payload
        var history = new List<TraitChange>();
        var folded = new List<(long, string, string)>(survivorEvents.Count);
        foreach (var logged in survivorEvents)
        {
            folded.Add((logged.Sequence, logged.Event.SourceId, logged.Event.MessageId));
            var view = EventView.Parse(logged);
            var back = recorded.Contains(logged.Sequence) || (logged.Sequence > record.Merge.Sequence && OnlyTheirs(view, loserIdentities));
            reducer.Apply(back ? restored : kept, view, history);
            if (!back) continue;
            moved.Add(logged.Sequence);
            movedPayloads.Add(logged.Event.Payload);
        }

        var restoredWaiting = waitingRuns.Where(r => r.ProfileId == loser.Id).Select(r => r.TriggerId).ToHashSet(StringComparer.Ordinal);
        var runs = new List<string>();
        foreach (var run in waitingRuns)
        {
            if (run.ProfileId != survivor.Id || restoredWaiting.Contains(run.TriggerId)) continue; // one waiting run per trigger and profile
            if (movedPayloads.Contains(run.StartEvent)) runs.Add(run.Id);
        }
        return new MergeUndo(record.Merge.Id, kept, restored, restored.Identities, moved, history, folded, record.Absorbed, runs, now,
            new Storage.PositionMove(Storage.Followers.Profiles, pipelinePosition, pipelinePosition));
    }

    private bool OnlyTheirs(in EventView view, HashSet<Identity.ProfileIdentifier> theirs)
    {
        var identities = IdentityResolver.UsableIdentities(view, reducer.Limits);
        if (identities.Count == 0) return false;
        foreach (var identity in identities)
            if (!theirs.Contains(identity)) return false;
        return true;
    }
}
