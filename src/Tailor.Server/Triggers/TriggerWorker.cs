using Tailor.Core.Pipeline;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Pipeline;
using Tailor.Application.Pipeline;
using Tailor.Application.Segments;
using Tailor.Application.Triggers;

namespace Tailor.Server.Triggers;

/// <summary>
/// The trigger engine as a follower: after each profile-pipeline commit and segment change (woken at once), at the
/// next run timer's due moment on the injected clock, and on the host's poll in case another node moved the log.
/// The delivery worker follows it, so a step that queued actions wakes it. Its items are events, segment changes and run timers; one that
/// keeps failing is set aside and the engine moves past it. (Schedule ticks are not isolated: a failing tick is retried.)
/// </summary>
public sealed class TriggerWorker(TriggerEngine engine, FollowerWakeups wakeups, ITriggerStore store, IPositionStore positions) : ILogFollower
{
    private TriggerEngine.Input? _current; // the input the last step was working on

    /// <summary>Wakes the worker now (e.g. a trigger was created or enabled).</summary>
    public void Wake() => wakeups.Wake(Name);

    public string Name => TriggerEngine.Stage;

    public int IsolationWindow => TriggerEngine.BatchSize;

    public IReadOnlyList<string> Follows { get; } = [ProfilePipeline.Stage, SegmentEngine.Stage];

    public Task StartAsync(CancellationToken cancellationToken) => engine.ReloadAsync(cancellationToken);

    /// <summary>Taken back from another node: the definitions may have changed meanwhile (docs/scale.md).</summary>
    public Task ResumeAsync(CancellationToken cancellationToken) => engine.ReloadAsync(cancellationToken);

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        var one = mode == StepMode.One;
        _current = TriggerEngine.Input.Events;
        var worked = await engine.ProcessEventsAsync(one ? 1 : TriggerEngine.BatchSize, cancellationToken);
        if (!(one && worked > 0))
        {
            _current = TriggerEngine.Input.SegmentChanges;
            worked += await engine.ProcessSegmentChangesAsync(one ? 1 : TriggerEngine.BatchSize, cancellationToken);
        }
        if (!(one && worked > 0))
        {
            _current = TriggerEngine.Input.Timers;
            worked += one ? await engine.FireDueTimersAsync(1, cancellationToken) : await engine.FireDueTimersAsync(cancellationToken);
        }
        _current = null; // schedule ticks and the idle look-ups have no item to set aside
        if (!(one && worked > 0)) worked += await engine.FireSchedulesAsync(cancellationToken);
        if (worked > 0) return new(worked);
        await engine.ReloadIfChangedAsync(cancellationToken); // picks up triggers changed by another node or the CLI
        return FollowerStep.Idle(await store.NextDueAsync(cancellationToken));
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) =>
        _current is { } input ? engine.SetAsideAsync(input, error, attempts, cancellationToken) : Task.CompletedTask;

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var position = await positions.PositionAsync(TriggerEngine.EventsPosition, cancellationToken);
        var head = await positions.FoldedUpToAsync(cancellationToken);
        return new FollowerProgress(position, Math.Max(0, head - position));
    }

    public Task StopAsync() => Task.CompletedTask;
}
