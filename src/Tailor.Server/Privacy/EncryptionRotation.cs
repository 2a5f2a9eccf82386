using Tailor.Core.Storage;

namespace Tailor.Server.Privacy;

/// <summary>
/// The background re-encryption pass after a key rotation (or after encryption is turned on over older data): batch
/// after batch until every table is under the active key, yielding between batches so ingestion and the followers keep
/// their turn. Resumable: the store keeps how far it came. Progress: <c>GET /api/privacy/encryption</c>, <c>tailor encryption rotate --status</c>.
/// </summary>
internal sealed partial class EncryptionRotation(IEncryptionStore store, PrivacyOptions options, TimeProvider time, ILogger<EncryptionRotation> log) : BackgroundService
{
    /// <summary>How long after the start the pass begins.</summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The node starts first (migrations, the followers' first steps); the pass is background work and can wait.
            await Task.Delay(StartDelay, time, stoppingToken);
            if ((await store.ProgressAsync(stoppingToken)).Done) return;
            var batches = 0;
            while (await store.RewriteNextBatchAsync(options.RotationBatchSize, stoppingToken))
            {
                batches++;
                await Task.Yield();
            }
            var progress = await store.ProgressAsync(stoppingToken);
            if (progress.Tables.Sum(t => t.Rewritten) > 0) Finished(log, progress.ActiveVersion, batches);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Failed(log, e); // reads keep working (every held key still decrypts); the next start resumes the pass
        }
    }

    [LoggerMessage(LogLevel.Information, "Re-encryption to key version {Version} finished ({Batches} batches)")]
    private static partial void Finished(ILogger logger, int version, int batches);

    [LoggerMessage(LogLevel.Error, "Re-encryption stopped; it resumes at the next start")]
    private static partial void Failed(ILogger logger, Exception error);
}
