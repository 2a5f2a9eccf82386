namespace Tailor.Client;

/// <summary>One background follower: state (running, retrying, isolating, …), position, lag, last error.</summary>
public sealed record FollowerState(string Name, string State, long? Position, long Lag, string? LastError, int Failures, long DeadLetters);
