using Tailor.Application.Experiments;
using Tailor.Application.Pipeline;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Experiments;

/// <summary>
/// The <c>experiments</c> follower: keeps every experiment's per-unit values and per-arm sums current as the profile
/// pipeline assigns events (<see cref="ExperimentTallies"/>), each step committed with its position; an event it cannot
/// process is set aside as a dead letter with the error as its reason.
/// </summary>
public sealed class ExperimentFollower(ExperimentTallies tallies) : ILogFollower
{
    public const int BatchSize = 2000;

    public string Name => ExperimentTallies.Stage;

    public int IsolationWindow => BatchSize;

    public IReadOnlyList<string> Follows { get; } = [ProfilePipeline.Stage];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        try
        {
            return new FollowerStep(await tallies.StepAsync(mode == StepMode.One ? 1 : BatchSize, cancellationToken));
        }
        catch (PositionConflictException)
        {
            return new FollowerStep(1); // another node folded these events first; step again from its position
        }
    }

    public async Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        try
        {
            await tallies.SetAsideAsync(error, attempts, cancellationToken);
        }
        catch (PositionConflictException)
        {
            // Another node moved past it.
        }
    }

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var (position, lag) = await tallies.ProgressAsync(cancellationToken);
        return new FollowerProgress(position, lag);
    }

    public Task StopAsync() => Task.CompletedTask;
}
