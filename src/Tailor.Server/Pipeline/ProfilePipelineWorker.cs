using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Application.Pipeline;

namespace Tailor.Server.Pipeline;

/// <summary>
/// The profile pipeline as a follower of the event log: woken at once by each durable append (on this node, or on
/// another through <see cref="PostgresWakeups"/>, and by the host's poll). A batch that fails is not committed, so it is simply tried again; an event that keeps
/// failing is set aside in the commit that moves the position past it. With the fold split by profile key it is the
/// identity stage (<c>identities</c>), and the <see cref="FoldPartitionWorker"/>s follow it.
/// </summary>
public sealed class ProfilePipelineWorker(ProfilePipeline pipeline, IPositionStore positions, IEventLog log, int foldPartitions = 1) : ILogFollower
{
    public string Name => pipeline.Name;

    public int IsolationWindow => pipeline.BatchSize;

    /// <summary>The log; split, also the partitions, which a merge undo waits for.</summary>
    public IReadOnlyList<string> Follows { get; } = foldPartitions > 1 ? [FollowerWakeups.Log, Followers.Profiles] : [FollowerWakeups.Log];

    /// <summary>Split, splits the store's fold the first time (a store split otherwise refuses); whole, the pipeline refuses a split store.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (foldPartitions > 1) await positions.SplitFoldAsync(foldPartitions, cancellationToken);
        else await pipeline.PositionAsync(cancellationToken);
    }

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken) =>
        new(await pipeline.ProcessNextBatchAsync(mode == StepMode.One ? 1 : pipeline.BatchSize, cancellationToken));

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) =>
        pipeline.SetAsideNextAsync(error, attempts, cancellationToken);

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        // Position first: it only ever trails the log, so a head read after it is never behind it.
        var position = await positions.PositionAsync(pipeline.Name, cancellationToken);
        var head = await log.LastSequenceAsync(cancellationToken);
        return new FollowerProgress(position, Math.Max(0, head - position));
    }

    public Task StopAsync() => Task.CompletedTask;
}
