using Tailor.Application.Sources;
using Tailor.Core.Sources;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Sources;

/// <summary>
/// The follower that runs due pulls of postgres sources (<see cref="PullRunner"/>), on the injected clock. Each due
/// run is claimed first (<see cref="ISourceStore.ClaimPullAsync"/>), so of several nodes exactly one runs it; the claim
/// is a lease: a node that dies mid-run leaves the source due again after <see cref="Lease"/>. A run that fails (the
/// database is down, the query breaks) is recorded as the source's last error and retried when the lease ends; it never
/// stops the other sources. Woken when a source is saved or resumed, and at the next due moment.
/// </summary>
public sealed partial class SourcePuller(ISourceStore store, PullRunner runner, FollowerWakeups wakeups, TimeProvider time, ILogger<SourcePuller> logger) : ILogFollower
{
    public const string Stage = "sources";

    /// <summary>How long a claimed run may take before another node may run the source again (also the retry delay after a failed run).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public string Name => Stage;

    /// <summary>Failures are caught per source and recorded; there is no batch for the host to isolate.</summary>
    public int IsolationWindow => 0;

    public IReadOnlyList<string> Follows { get; } = [];

    /// <summary>Tells the puller a source was saved or resumed.</summary>
    public void Wake() => wakeups.Wake(Stage);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? nextDue = null;
        var ran = 0;
        foreach (var source in await store.ListSourcesAsync(cancellationToken))
        {
            if (source is not { Kind: SourceKinds.Postgres, Paused: false, NextPullAt: { } due }) continue;
            if (due > now)
            {
                nextDue = nextDue is { } n && n < due ? n : due;
                continue;
            }
            if (!await store.ClaimPullAsync(source.Id, due, now + Lease, cancellationToken)) continue;
            ran++;
            try
            {
                var outcome = await runner.RunAsync(source, cancellationToken);
                if (outcome.Appended > 0) wakeups.Signal(FollowerWakeups.Log);
                LogPulled(source.Name, outcome.Rows, outcome.Appended, outcome.SetAside);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPullFailed(e, source.Name);
                await store.RecordErrorAsync(source.Id, $"pull failed: {e.Message}", now, cancellationToken);
            }
        }
        return ran > 0 ? new FollowerStep(ran) : FollowerStep.Idle(nextDue);
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = (await store.ListSourcesAsync(cancellationToken)).Count(s => s is { Kind: SourceKinds.Postgres, Paused: false, NextPullAt: { } at } && at <= now);
        return new FollowerProgress(null, due);
    }

    public Task StopAsync() => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Source {Source} pulled {Rows} rows: {Appended} new events, {SetAside} set aside")]
    private partial void LogPulled(string source, int rows, int appended, int setAside);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source}: the pull failed; it is retried when its lease ends")]
    private partial void LogPullFailed(Exception exception, string source);
}
