namespace Tailor.Application.Triggers;

/// <summary>
/// How the trigger use cases tell this process's followers there is new work: the trigger follower after a trigger is
/// created, enabled or disabled, the delivery follower after a dead letter is put back. A process that runs no followers
/// (the CLI) uses <see cref="None"/>: a running server picks the change up on its own.
/// </summary>
public sealed record TriggerWakeups(Action Triggers, Action Deliveries)
{
    public static TriggerWakeups None { get; } = new(() => { }, () => { });
}
