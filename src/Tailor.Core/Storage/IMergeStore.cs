using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;

namespace Tailor.Core.Storage;

/// <summary>What undoing a merge reads and writes, and the refusals the merge guards and caps record.</summary>
public interface IMergeStore
{
    /// <summary>A merge with what it took from the merged-away profile, or null when there is no such merge.</summary>
    Task<MergeRecord?> GetMergeAsync(long id, CancellationToken cancellationToken);

    /// <summary>A profile row as stored (a merged-away id is not resolved), with its identities; null when unknown.</summary>
    Task<Profile?> GetStoredProfileAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every event assigned to a profile, in log order.</summary>
    Task<IReadOnlyList<LoggedEvent>> AllProfileEventsAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes an undo atomically with its move of the profile pipeline's position (<see cref="MergeUndo.Position"/>):
    /// fails with <see cref="PositionConflictException"/> and changes nothing when
    /// another pipeline moved it first or the merge was undone meanwhile.
    /// </summary>
    Task CommitUndoAsync(MergeUndo undo, CancellationToken cancellationToken);

    /// <summary>The newest refusals, of one profile or of all (unresolvable events included), newest first.</summary>
    Task<IReadOnlyList<ProfileRefusal>> RefusalsAsync(string? profileId, int limit, CancellationToken cancellationToken);
}
