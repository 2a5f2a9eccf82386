using Tailor.Core.Pipeline;
using Tailor.Server.Pipeline;
using Tailor.Core.Segments;
using Tailor.Core.Storage;

namespace Tailor.Server.Segments;

/// <summary>
/// Runs the segment engine: after each profile-pipeline commit (woken at once), at the next timer's due moment
/// (measured on the injected clock), and every second in case another node moved the log.
/// </summary>
public sealed partial class SegmentWorker(SegmentEngine engine, ProfilePipeline pipeline, ISegmentStore store, TimeProvider time, ILogger<SegmentWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly WakeSignal _wake = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        pipeline.ProfilesChanged += OnProfilesChanged;
        try
        {
            await engine.ReloadAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var worked = await engine.ProcessNextBatchAsync(stoppingToken) + await engine.FireDueTimersAsync(stoppingToken);
                    if (worked > 0) continue;
                    await engine.ReloadAsync(stoppingToken); // picks up segments changed by another node or the CLI
                    await ClockWait.UntilAsync(_wake, await store.NextTimerAsync(stoppingToken), PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    LogFailed(ex);
                    await Task.Delay(PollInterval, time, stoppingToken);
                }
            }
        }
        finally
        {
            pipeline.ProfilesChanged -= OnProfilesChanged;
        }
    }

    private void OnProfilesChanged(IReadOnlyList<Core.Profiles.Profile> _) => _wake.Set();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A segment engine step failed; it will be retried")]
    private partial void LogFailed(Exception exception);
}
