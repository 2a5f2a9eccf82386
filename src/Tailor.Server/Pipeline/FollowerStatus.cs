namespace Tailor.Server.Pipeline;

/// <summary>One follower's state as <c>GET /api/pipeline</c> reports it.</summary>
/// <param name="State"><c>starting</c>, <c>running</c>, <c>retrying</c> (a step failed; waiting to try again), <c>isolating</c> (stepping one item at a time to find the one that fails), <c>standby</c> (in a cluster, another node holds it) or <c>stopped</c>.</param>
/// <param name="Position">Its position in what it follows, when it follows a log.</param>
/// <param name="Lag">Items waiting for it.</param>
/// <param name="LastError">The last failure's message, kept after recovery.</param>
/// <param name="DeadLetters">Items it set aside that are not replayed yet.</param>
public sealed record FollowerStatus(string Name, string State, long? Position, long Lag, string? LastError, DateTimeOffset? LastErrorAt, int Failures, long DeadLetters);
