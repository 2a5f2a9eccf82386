namespace Tailor.Client;

/// <summary>The profile pipeline's progress and every follower's state.</summary>
public sealed record PipelineStatus(long LogPosition, long PipelinePosition, long Lag, long Profiles, long DeadLetters, IReadOnlyList<FollowerState> Followers);
