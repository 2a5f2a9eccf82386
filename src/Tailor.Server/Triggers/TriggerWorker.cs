using Tailor.Core.Pipeline;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Triggers;

/// <summary>
/// Runs the trigger engine: after each profile-pipeline commit and segment change (woken at once), at the next run
/// timer's due moment on the injected clock, and every second in case another node moved the log. Wakes the delivery
/// worker when actions were queued.
/// </summary>
public sealed partial class TriggerWorker(TriggerEngine engine, ProfilePipeline pipeline, SegmentEngine segments, DeliveryWorker deliveries,
    ITriggerStore store, TimeProvider time, ILogger<TriggerWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly WakeSignal _wake = new();

    /// <summary>Wakes the worker now (e.g. a trigger was created or enabled).</summary>
    public void Wake() => _wake.Set();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        pipeline.ProfilesChanged += OnProfilesChanged;
        segments.MembershipChanged += OnMembershipChanged;
        try
        {
            await engine.ReloadAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var worked = await engine.ProcessEventsAsync(stoppingToken)
                        + await engine.ProcessSegmentChangesAsync(stoppingToken)
                        + await engine.FireDueTimersAsync(stoppingToken)
                        + await engine.FireSchedulesAsync(stoppingToken);
                    if (worked > 0)
                    {
                        deliveries.Wake();
                        continue;
                    }
                    await engine.ReloadAsync(stoppingToken); // picks up triggers changed by another node or the CLI
                    await ClockWait.UntilAsync(_wake, await store.NextDueAsync(stoppingToken), PollInterval, time, stoppingToken);
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
            segments.MembershipChanged -= OnMembershipChanged;
        }
    }

    private void OnProfilesChanged(IReadOnlyList<Core.Profiles.Profile> _) => _wake.Set();

    private void OnMembershipChanged(IReadOnlyList<MembershipChange> _) => _wake.Set();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A trigger engine step failed; it will be retried")]
    private partial void LogFailed(Exception exception);
}
