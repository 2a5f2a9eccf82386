using Tailor.Core.Pipeline;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;
using Tailor.Application.Pipeline;
using Tailor.Application.Segments;

namespace Tailor.Server.Segments;

/// <summary>
/// The segment engine as a follower: after each profile-pipeline commit (woken at once), at the next timer's due
/// moment (on the injected clock), and on the host's poll in case another node moved the log. Its items are the
/// events it follows and the due timers; one that keeps failing is set aside and the engine moves past it.
/// </summary>
public sealed class SegmentWorker(SegmentEngine engine, ISegmentStore store, IPositionStore positions, TimeProvider time) : ILogFollower
{
    private bool _timerFailed; // what the last single-item step was working on when it failed
    private DateTimeOffset? _nextTimer; // the next due moment as the last idle step read it: how late the timers it fires are

    public string Name => SegmentEngine.Stage;

    public int IsolationWindow => SegmentEngine.BatchSize;

    public IReadOnlyList<string> Follows { get; } = [ProfilePipeline.Stage];

    public Task StartAsync(CancellationToken cancellationToken) => engine.ReloadAsync(cancellationToken);

    /// <summary>Taken back from another node: the definitions may have changed meanwhile (docs/scale.md).</summary>
    public Task ResumeAsync(CancellationToken cancellationToken) => engine.ReloadAsync(cancellationToken);

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        var max = mode == StepMode.One ? 1 : SegmentEngine.BatchSize;
        _timerFailed = false;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var worked = await engine.ProcessNextBatchAsync(max, cancellationToken);
        if (worked > 0) Observability.TailorMetrics.Elapsed(Observability.TailorMetrics.SegmentEvaluationDuration, started, "stage", Name);
        if (mode == StepMode.One && worked > 0) return new(worked);
        _timerFailed = true;
        var fired = await engine.FireDueTimersAsync(max, cancellationToken);
        Observability.TailorMetrics.TimersDue(Name, fired, _nextTimer, time.GetUtcNow());
        worked += fired;
        _timerFailed = false;
        if (worked > 0) return new(worked);
        await engine.ReloadIfChangedAsync(cancellationToken); // picks up segments changed by another node or the CLI
        _nextTimer = await store.NextTimerAsync(cancellationToken);
        return FollowerStep.Idle(_nextTimer);
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) => _timerFailed
        ? engine.SetAsideNextTimerAsync(error, attempts, cancellationToken)
        : engine.SetAsideNextEventAsync(error, attempts, cancellationToken);

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(Core.Storage.Followers.Segments, cancellationToken);
        var head = await positions.FoldedUpToAsync(cancellationToken);
        return new FollowerProgress(position, Math.Max(0, head - position));
    }

    public Task StopAsync() => Task.CompletedTask;
}
