using System.Collections.Concurrent;
using Tailor.Core.Segments;
using Tailor.Application.Segments;

namespace Tailor.Server.Segments;

/// <summary>Progress of a segment's full recompute, as the API shows it.</summary>
public sealed record RecomputeStatus(string State, long Done, long Total, long Entered, long Exited, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error);

/// <summary>Runs full recomputes in the background, one at a time per segment, and keeps their progress.</summary>
public sealed partial class RecomputeTracker(SegmentEngine engine, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<RecomputeTracker> logger)
{
    private readonly ConcurrentDictionary<string, RecomputeStatus> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<RecomputeStatus>> _running = new(StringComparer.Ordinal);

    public RecomputeStatus? Status(string segmentId) => _status.GetValueOrDefault(segmentId);

    /// <summary>Starts a recompute (or joins the one running) and returns its task.</summary>
    public Task<RecomputeStatus> Start(string segmentId) =>
        _running.GetOrAdd(segmentId, id => Task.Run(() => RunAsync(id), lifetime.ApplicationStopping));

    private async Task<RecomputeStatus> RunAsync(string segmentId)
    {
        var started = time.GetUtcNow();
        _status[segmentId] = new RecomputeStatus("running", 0, 0, 0, 0, started, null, null);
        try
        {
            var progress = new SyncProgress<RecomputeProgress>(p => _status[segmentId] = new RecomputeStatus("running", p.Done, p.Total, 0, 0, started, null, null));
            var result = await engine.RecomputeAsync(segmentId, progress, lifetime.ApplicationStopping);
            return _status[segmentId] = new RecomputeStatus("done", result.Profiles, result.Profiles, result.Entered, result.Exited, started, time.GetUtcNow(), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, segmentId);
            return _status[segmentId] = new RecomputeStatus("failed", 0, 0, 0, 0, started, time.GetUtcNow(), ex.Message);
        }
        finally
        {
            _running.TryRemove(segmentId, out _);
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
