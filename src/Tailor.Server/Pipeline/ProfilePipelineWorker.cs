using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Application.Pipeline;

namespace Tailor.Server.Pipeline;

/// <summary>
/// The profile pipeline as a follower of the event log: woken at once by each durable append (on this node, or on
/// another through <see cref="PostgresWakeups"/>, and by the host's poll). A batch that fails is not committed, so it is simply tried again; an event that keeps
/// failing is set aside in the commit that moves the position past it.
/// </summary>
public sealed class ProfilePipelineWorker(ProfilePipeline pipeline, IPositionStore positions, IEventLog log) : ILogFollower
{
    public string Name => ProfilePipeline.Stage;

    public int IsolationWindow => pipeline.BatchSize;

    public IReadOnlyList<string> Follows { get; } = [FollowerWakeups.Log];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken) =>
        new(await pipeline.ProcessNextBatchAsync(mode == StepMode.One ? 1 : pipeline.BatchSize, cancellationToken));

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) =>
        pipeline.SetAsideNextAsync(error, attempts, cancellationToken);

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        // Position first: it only ever trails the log, so a head read after it is never behind it.
        var position = await positions.PositionAsync(Core.Storage.Followers.Profiles, cancellationToken);
        var head = await log.LastSequenceAsync(cancellationToken);
        return new FollowerProgress(position, Math.Max(0, head - position));
    }

    public Task StopAsync() => Task.CompletedTask;
}
