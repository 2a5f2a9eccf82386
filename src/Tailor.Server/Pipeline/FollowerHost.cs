using Tailor.Core.Storage;

namespace Tailor.Server.Pipeline;

/// <summary>
/// Runs every <see cref="ILogFollower"/>, each in its own loop, under one policy (<see cref="FollowerPolicy"/>): a step
/// runs again at once while it finds work; otherwise the follower sleeps until woken, until its next due moment on the
/// injected clock, or for the poll interval. A step that throws is tried again after a backoff on the injected clock;
/// after <see cref="FollowerPolicy.Attempts"/> failures the host steps one item at a time to find the item that fails,
/// and when that item fails as often it is set aside in the dead-letter store and processing moves past it. So one bad
/// item never stops a stage, and a failure that is not about one item (the database away) only makes it wait.
/// Wake-ups go through <see cref="FollowerWakeups"/>: a step that committed work signals the follower's name, which
/// wakes the followers that follow it.
/// </summary>
/// <param name="ownership">In a cluster, which followers this node holds (docs/scale.md); a follower it does not hold is on
/// <c>standby</c> and takes no step. Null: every follower runs here.</param>
public sealed partial class FollowerHost(IEnumerable<ILogFollower> followers, FollowerWakeups wakeups, FollowerPolicy policy, IDeadLetterStore deadLetters,
    TimeProvider time, ILogger<FollowerHost> logger, IFollowerOwnership? ownership = null) : BackgroundService
{
    private readonly IReadOnlyList<Runner> _runners = [.. followers.Select(f => new Runner(f, wakeups.Register(f.Name, f.Follows)))];

    /// <summary>Wakes the named follower now (new work for it).</summary>
    public void Wake(string name) => wakeups.Wake(name);

    /// <summary>Every follower's state, position, lag, last error and pending dead letters.</summary>
    public async Task<IReadOnlyList<FollowerStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        var pending = await deadLetters.PendingDeadLettersAsync(cancellationToken);
        var list = new List<FollowerStatus>(_runners.Count);
        foreach (var r in _runners)
        {
            var progress = await r.Follower.ProgressAsync(cancellationToken);
            list.Add(new FollowerStatus(r.Follower.Name, r.State, progress.Position, progress.Lag, r.LastError, r.LastErrorAt, r.Failures,
                pending.GetValueOrDefault(r.Follower.Name)));
        }
        return list;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_runners.Select(r => Task.Run(() => RunAsync(r, stoppingToken), CancellationToken.None)));

    private async Task RunAsync(Runner r, CancellationToken stoppingToken)
    {
        var follower = r.Follower;
        var started = false;
        var resume = false; // held elsewhere since it started here: reload before stepping again
        var isolating = 0; // items left to step one at a time; 0 steps whole batches
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (ownership is not null && !ownership.Owns(follower.Name))
                    {
                        // Another node holds it: wait until this node takes it (the membership wakes it) or the next poll.
                        r.State = "standby";
                        isolating = 0;
                        resume = started;
                        await ClockWait.UntilAsync(r.Wake, null, policy.PollInterval, time, stoppingToken);
                        continue;
                    }
                    if (!started)
                    {
                        await follower.StartAsync(stoppingToken);
                        started = true;
                        r.State = "running";
                    }
                    else if (resume)
                    {
                        // Another node held it meanwhile and may have changed what it loaded at the start (a trigger
                        // created through another node): stepping with the old definitions would skip their events.
                        await follower.ResumeAsync(stoppingToken);
                        resume = false;
                    }
                    var step = await follower.StepAsync(isolating > 0 ? StepMode.One : StepMode.Batch, stoppingToken);
                    r.Failures = 0;
                    if (isolating > 0)
                    {
                        // Every item of the window passed alone: the failure was not one item's; back to batches.
                        isolating = step.Processed == 0 ? 0 : isolating - 1;
                        if (isolating == 0) r.State = "running";
                    }
                    else r.State = "running";
                    if (step.Processed > 0)
                    {
                        wakeups.Signal(follower.Announces); // what it committed is new work for the followers after it
                        continue;
                    }
                    await ClockWait.UntilAsync(r.Wake, step.NextDue, policy.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    r.Failures++;
                    r.LastError = ex.Message;
                    r.LastErrorAt = time.GetUtcNow();
                    LogStepFailed(ex, follower.Name, r.Failures);
                    if (r.Failures >= policy.Attempts && started && !resume && follower.IsolationWindow > 0)
                    {
                        if (isolating == 0)
                        {
                            // The batch keeps failing: find the item by stepping one at a time, from the first.
                            isolating = follower.IsolationWindow;
                            r.Failures = 0;
                            r.State = "isolating";
                            LogIsolating(follower.Name, isolating);
                            continue;
                        }
                        if (await TrySetAsideAsync(r, ex, stoppingToken))
                        {
                            isolating = 0;
                            r.Failures = 0;
                            r.State = "running";
                            continue;
                        }
                    }
                    if (isolating == 0) r.State = "retrying";
                    await Task.Delay(policy.BackoffAfter(r.Failures), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping during a backoff
        }
        finally
        {
            r.State = "stopped";
            if (started) await follower.StopAsync();
        }
    }

    private async Task<bool> TrySetAsideAsync(Runner r, Exception error, CancellationToken ct)
    {
        try
        {
            await r.Follower.SetAsideAsync(error, r.Failures, ct);
            LogSetAside(r.Follower.Name, r.Failures, error.Message);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Setting aside needs the store too: if it is away, keep waiting and trying.
            LogSetAsideFailed(ex, r.Follower.Name);
            r.LastError = ex.Message;
            return false;
        }
    }

    private sealed class Runner(ILogFollower follower, WakeSignal wake)
    {
        public ILogFollower Follower { get; } = follower;
        public WakeSignal Wake { get; } = wake;
        public volatile string State = "starting";
        public volatile string? LastError;
        public DateTimeOffset? LastErrorAt;
        public int Failures;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Follower {Follower}: a step failed (failure {Failures}); it will be retried")]
    private partial void LogStepFailed(Exception exception, string follower, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follower {Follower}: batches keep failing; stepping through the next {Window} items one at a time to find the one that fails")]
    private partial void LogIsolating(string follower, int window);

    [LoggerMessage(Level = LogLevel.Error, Message = "Follower {Follower}: an item failed {Attempts} times and was set aside in the dead-letter store: {Reason}")]
    private partial void LogSetAside(string follower, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Follower {Follower}: setting an item aside failed; it will be retried")]
    private partial void LogSetAsideFailed(Exception exception, string follower);
}
