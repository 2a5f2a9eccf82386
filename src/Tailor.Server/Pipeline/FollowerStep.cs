namespace Tailor.Server.Pipeline;

/// <summary>What one follower step did.</summary>
/// <param name="Processed">Items processed; more than 0 means there may be more, so the host steps again at once.</param>
/// <param name="NextDue">When nothing was processed: the next moment work falls due on the injected clock (a timer), if any.</param>
public readonly record struct FollowerStep(int Processed, DateTimeOffset? NextDue = null)
{
    public static FollowerStep Idle(DateTimeOffset? nextDue = null) => new(0, nextDue);
}
