using Npgsql;

namespace Tailor.Server.Pipeline;

/// <summary>
/// Wake-ups across the nodes that share one PostgreSQL store: what <see cref="FollowerWakeups"/> signals here is
/// announced with <c>NOTIFY</c> on <see cref="Channel"/>, and what other nodes announce, heard on one dedicated
/// <c>LISTEN</c> connection, wakes the followers here, so a node follows another's appends at once rather than at its
/// next poll. A dropped connection is opened again after a backoff on the injected clock; while it is away, and for
/// what it may have missed, the followers' poll still finds the work (after reconnecting, every follower looks once).
/// </summary>
public sealed partial class PostgresWakeups(string connectionString, FollowerWakeups wakeups, FollowerPolicy policy, TimeProvider time,
    ILogger<PostgresWakeups> logger) : BackgroundService
{
    /// <summary>The notification channel; the payload is the signalled name (<see cref="FollowerWakeups.Log"/> or a follower's).</summary>
    public const string Channel = "tailor_wakeups";

    // Dedicated sessions, outside the store's pool: LISTEN lives as long as its session, and the notifier's backend id
    // tells this node's own announcements apart from other nodes'.
    private readonly string _dedicated = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 }.ConnectionString;
    private volatile int _notifierPid;

    /// <summary>True while the LISTEN connection is open (for tests and the logs).</summary>
    public bool Listening { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => ListenAsync(stoppingToken), CancellationToken.None), Task.Run(() => AnnounceAsync(stoppingToken), CancellationToken.None));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_dedicated);
                connection.Notification += (_, e) =>
                {
                    if (e.PID != _notifierPid) wakeups.Receive(e.Payload);
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stoppingToken);
                Listening = true;
                if (failures > 0)
                {
                    LogListening(failures);
                    wakeups.ReceiveAll(); // announcements made while it was away were not heard
                }
                failures = 0;
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Listening = false;
                failures++;
                LogListenFailed(ex, failures);
                try { await Task.Delay(policy.BackoffAfter(failures), time, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        Listening = false;
    }

    private async Task AnnounceAsync(CancellationToken stoppingToken)
    {
        if (wakeups.Announcements is not { } announcements) return;
        NpgsqlConnection? connection = null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        try
        {
            while (await announcements.WaitToReadAsync(stoppingToken))
            {
                // A burst of commits becomes one NOTIFY per name.
                names.Clear();
                while (announcements.TryRead(out var name)) names.Add(name);
                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(_dedicated);
                        await connection.OpenAsync(stoppingToken);
                        _notifierPid = connection.ProcessID;
                    }
                    await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, name) FROM unnest(@names) AS name", connection);
                    notify.Parameters.AddWithValue("channel", Channel);
                    notify.Parameters.AddWithValue("names", names.ToArray());
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                    failures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // These names are not announced; other nodes find the work at their next poll.
                    failures++;
                    LogAnnounceFailed(ex, failures);
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                    await Task.Delay(policy.BackoffAfter(failures), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other nodes' wake-ups failed (failure {Failures}); followers poll until it reconnects")]
    private partial void LogListenFailed(Exception exception, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for other nodes' wake-ups again after {Failures} failures")]
    private partial void LogListening(int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing wake-ups to other nodes failed (failure {Failures}); they poll")]
    private partial void LogAnnounceFailed(Exception exception, int failures);
}
