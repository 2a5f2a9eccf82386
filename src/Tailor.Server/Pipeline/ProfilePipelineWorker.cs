using Tailor.Core.Pipeline;
using Tailor.Server.Ingestion;

namespace Tailor.Server.Pipeline;

/// <summary>
/// Runs the profile pipeline in the background: woken at once by each log commit, and every
/// <see cref="PollInterval"/> in case another node appended. A failed batch is retried; its position was not committed.
/// </summary>
public sealed partial class ProfilePipelineWorker(ProfilePipeline pipeline, EventLogWriter writer, ILogger<ProfilePipelineWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly WakeSignal _wake = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        writer.Appended += _wake.Set;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await pipeline.CatchUpAsync(stoppingToken);
                    await _wake.WaitAsync(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    LogBatchFailed(ex);
                    await Task.Delay(RetryDelay, stoppingToken);
                }
            }
        }
        finally
        {
            writer.Appended -= _wake.Set;
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A profile pipeline batch failed; it will be retried")]
    private partial void LogBatchFailed(Exception exception);
}
