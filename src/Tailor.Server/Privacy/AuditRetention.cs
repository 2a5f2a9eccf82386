using Tailor.Application.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>Deletes audit entries older than <see cref="PrivacyOptions.AuditRetention"/>, at start and then every hour (on the injected clock).</summary>
internal sealed class AuditRetention(AuditTrail trail, PrivacyOptions options, TimeProvider time, ILogger<AuditRetention> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                var deleted = await trail.ApplyRetentionAsync(options.AuditRetention, stoppingToken);
                if (deleted > 0 && log.IsEnabled(LogLevel.Information)) log.LogInformation("Audit retention deleted {Count} entries older than {Retention}", deleted, options.AuditRetention);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Audit retention failed; it runs again in {Every}", Every);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
