using Tailor.Application.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>Runs <see cref="EventRetention"/> at start and then every <see cref="PrivacyOptions.EventRetentionEvery"/> (on the injected clock); idle when nothing is configured.</summary>
internal sealed class EventRetentionService(EventRetention retention, PrivacyOptions options, TimeProvider time, ILogger<EventRetentionService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = options.RetentionPolicy();
        if (policy.IsEmpty) return;
        using var timer = new PeriodicTimer(options.EventRetentionEvery, time);
        do
        {
            try
            {
                var deleted = await retention.RunAsync(policy, stoppingToken);
                if (deleted > 0 && log.IsEnabled(LogLevel.Information)) log.LogInformation("Event retention deleted {Count} events", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Event retention failed; it runs again in {Every}", options.EventRetentionEvery);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
