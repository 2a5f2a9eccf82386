using System.Collections.Concurrent;
using Tailor.Core.Segments;
using Tailor.Application.Segments;

namespace Tailor.Server.Segments;

/// <summary>Progress of a segment's full recompute, as the API shows it.</summary>
public sealed record RecomputeStatus(string State, long Done, long Total, long Entered, long Exited, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error);

/// <summary>
/// Runs full recomputes in the background, one at a time per segment, and keeps their progress. A hosted service: on
/// stop it cancels the recomputes still running and waits for them, so none outlives the store.
/// </summary>
public sealed partial class RecomputeTracker(SegmentEngine engine, TimeProvider time, ILogger<RecomputeTracker> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, RecomputeStatus> _status = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<RecomputeStatus>> _running = new(StringComparer.Ordinal); // under its own lock
    private readonly CancellationTokenSource _stopping = new();

    public RecomputeStatus? Status(string segmentId) => _status.GetValueOrDefault(segmentId);

    /// <summary>Starts a recompute (or joins the one running) and returns its task.</summary>
    public Task<RecomputeStatus> Start(string segmentId)
    {
        // A lock, not GetOrAdd: GetOrAdd may run its factory twice under a race, which would start two recomputes.
        lock (_running)
        {
            if (_running.TryGetValue(segmentId, out var running)) return running;
            // Off the request's thread: the request may return (or wait) while the recompute goes on.
            var task = Task.Run(() => RunAsync(segmentId), _stopping.Token);
            _running[segmentId] = task;
            return task;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_running) running = [.. _running.Values];
        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(cancellationToken); // cancelled ones end as cancelled
    }

    public void Dispose() => _stopping.Dispose();

    private async Task<RecomputeStatus> RunAsync(string segmentId)
    {
        var started = time.GetUtcNow();
        _status[segmentId] = new RecomputeStatus("running", 0, 0, 0, 0, started, null, null);
        try
        {
            var progress = new SyncProgress<RecomputeProgress>(p => _status[segmentId] = new RecomputeStatus("running", p.Done, p.Total, 0, 0, started, null, null));
            var result = await engine.RecomputeAsync(segmentId, progress, _stopping.Token);
            return _status[segmentId] = new RecomputeStatus("done", result.Profiles, result.Profiles, result.Entered, result.Exited, started, time.GetUtcNow(), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, segmentId);
            return _status[segmentId] = new RecomputeStatus("failed", 0, 0, 0, 0, started, time.GetUtcNow(), ex.Message);
        }
        finally
        {
            lock (_running) _running.Remove(segmentId);
        }
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool and could reorder reports).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recomputing segment {SegmentId} failed")]
    private partial void LogFailed(Exception exception, string segmentId);
}
