using Tailor.Application.Pipeline;
using Tailor.Core.Storage;

namespace Tailor.Server.Pipeline;

/// <summary>
/// One partition of a fold split by profile key (<see cref="FoldPartition"/>) as a follower: woken by the identity
/// stage's commits and by the other partitions' (a merge may wait for one). Its commits announce
/// <see cref="Followers.Profiles"/>, which the readers of the fold follow.
/// </summary>
public sealed class FoldPartitionWorker(FoldPartition partition, IPositionStore positions, IEventLog log) : ILogFollower
{
    public string Name => partition.Name;

    public string Announces => Followers.Profiles;

    public int IsolationWindow => partition.BatchSize;

    public IReadOnlyList<string> Follows { get; } = [Followers.Identities, Followers.Profiles];

    /// <summary>Splits the store's fold if the identity stage has not yet (a store split into another number refuses).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => positions.SplitFoldAsync(partition.Partitions, cancellationToken);

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken) =>
        new(await partition.ProcessNextBatchAsync(mode == StepMode.One ? 1 : partition.BatchSize, cancellationToken));

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) =>
        partition.SetAsideNextAsync(error, attempts, cancellationToken);

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(Name, cancellationToken);
        var head = await log.LastSequenceAsync(cancellationToken);
        return new FollowerProgress(position, Math.Max(0, head - position));
    }

    public Task StopAsync() => Task.CompletedTask;
}
