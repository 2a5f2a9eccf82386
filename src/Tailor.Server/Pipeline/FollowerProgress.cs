namespace Tailor.Server.Pipeline;

/// <summary>How far a follower has got.</summary>
/// <param name="Position">Its position in what it follows (a log sequence), or null when it follows a queue.</param>
/// <param name="Lag">Items waiting for it: log entries between its position and the head, or due queue items.</param>
public readonly record struct FollowerProgress(long? Position, long Lag);
