namespace Tailor.Core.Storage;

/// <summary>
/// A commit found what it was to move no longer where it read it — a follower's position, a journey run's version, a
/// merge already undone — because another process moved it first; the commit was rolled back and the work is
/// retried from what is stored now.
/// </summary>
public sealed class PositionConflictException(string name, long expected)
    : InvalidOperationException($"{name} is no longer at position {expected}: another process moved it")
{
    /// <summary>What moved: a follower's name, or the run or merge whose commit lost.</summary>
    public string Name { get; } = name;
}
