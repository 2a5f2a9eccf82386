namespace Tailor.Core.Pipeline;

/// <summary>How an undo request ended.</summary>
public enum MergeUndoStatus
{
    Undone,
    NotFound,
    /// <summary>Undone before: a second undo changes nothing.</summary>
    AlreadyUndone,
    /// <summary>The merge cannot be undone as things stand (see <see cref="MergeUndoResult.Reason"/>).</summary>
    Conflict,
}

/// <summary>The outcome of <see cref="ProfilePipeline.UndoMergeAsync"/>: the merge as it now stands and what moved.</summary>
public sealed record MergeUndoResult(MergeUndoStatus Status, string? Reason = null, ProfileMerge? Merge = null, MergeUndo? Undo = null);
