using Tailor.Application.Analytics;
using Tailor.Core.Analytics;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Analytics;

/// <summary>
/// The follower that runs queued analytics runs, oldest first, one at a time (a run can take a minute of CPU; the other
/// followers keep their own loops). Woken by name when the API queues a run, and on the clock when a schedule comes due
/// (<see cref="AnalyticsSchedules"/>); at start, runs a previous process left running are marked failed ("interrupted"),
/// while runs still queued are picked up.
/// </summary>
public sealed class AnalyticsRunner(AnalyticsRuns runs, AnalyticsSchedules schedules, IAnalyticsStore store, FollowerWakeups wakeups) : ILogFollower
{
    public const string Stage = "analytics";

    private AnalyticsRun? _current;

    public string Name => Stage;

    /// <summary>A run that throws is stored as failed by <see cref="AnalyticsRuns.ExecuteAsync"/>; there is no batch to isolate.</summary>
    public int IsolationWindow => 0;

    /// <summary>Nothing: woken by <see cref="Wake"/> when a run is queued, and at the next schedule's moment.</summary>
    public IReadOnlyList<string> Follows { get; } = [];

    /// <summary>Tells the runner a run was queued.</summary>
    public void Wake() => wakeups.Wake(Stage);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await store.RunsInStatusAsync(AnalyticsRunStatus.Running, AnalyticsRuns.MaxListed, cancellationToken))
            await runs.FailInterruptedAsync(run, cancellationToken);
    }

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        var (_, nextDue) = await schedules.QueueDueAsync(cancellationToken);
        if (await store.RunsInStatusAsync(AnalyticsRunStatus.Queued, 1, cancellationToken) is not [var queued]) return FollowerStep.Idle(nextDue);
        _current = queued;
        await runs.ExecuteAsync(queued, null, cancellationToken);
        _current = null;
        return new FollowerStep(1);
    }

    public async Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        if (_current is { } run) await runs.FailInterruptedAsync(run, cancellationToken, $"run: failed {attempts} times: {error.Message}");
        _current = null;
    }

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken) =>
        new(null, (await store.RunsInStatusAsync(AnalyticsRunStatus.Queued, AnalyticsRuns.MaxListed, cancellationToken)).Count);

    public Task StopAsync() => Task.CompletedTask;
}
