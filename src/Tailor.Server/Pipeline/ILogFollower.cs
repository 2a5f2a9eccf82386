namespace Tailor.Server.Pipeline;

/// <summary>
/// One background stage that follows a log or a queue (the profile pipeline, the segment and trigger engines, the
/// outbox, campaign sends), run by <see cref="FollowerHost"/>. The follower does the work; the host owns waking,
/// waiting on the clock, retries with backoff, setting aside what cannot be processed, and status.
/// </summary>
public interface ILogFollower
{
    /// <summary>A short stable name: the dead-letter stage and the name in <c>GET /api/pipeline</c>.</summary>
    string Name { get; }

    /// <summary>
    /// How many items the host processes one at a time after a batch kept failing, looking for the one to set aside
    /// (normally the batch size); 0 when the follower cannot isolate an item (it sets failing items aside itself).
    /// </summary>
    int IsolationWindow { get; }

    /// <summary>
    /// The names whose commits mean new work for it (<see cref="FollowerWakeups.Log"/> or an earlier follower's
    /// <see cref="Name"/>): the host wakes it when one of them is signalled, on this node or, on PostgreSQL, on another.
    /// </summary>
    IReadOnlyList<string> Follows { get; }

    /// <summary>
    /// The name the host signals after a step that committed work: its <see cref="Name"/>, except for the partitions of
    /// a split fold, which all announce <see cref="Core.Storage.Followers.Profiles"/> (their readers follow the fold, not a partition).
    /// </summary>
    string Announces => Name;

    /// <summary>Runs once before the first step (loading definitions, recovering claims); retried like a step when it fails.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs before the first step after this node takes the follower back from another node (a cluster, docs/scale.md):
    /// what the follower keeps in memory (definitions) may have changed while another node held it. Not before the first
    /// start, which <see cref="StartAsync"/> covers; retried like a step when it fails.
    /// </summary>
    Task ResumeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Processes the next batch, or with <see cref="StepMode.One"/> only the next single item. Returns how much it did
    /// and, when it did nothing, the next moment something falls due.
    /// </summary>
    Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// Sets aside the item a <see cref="StepMode.One"/> step last failed on (in the dead-letter store) and moves past it,
    /// so the next step starts after it.
    /// </summary>
    Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken);

    /// <summary>Where the follower is and what it trails, for the status.</summary>
    Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken);

    /// <summary>Runs once after the last step (draining work in flight); the token is already cancelled.</summary>
    Task StopAsync();
}
