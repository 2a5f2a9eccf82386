using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tailor.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log into the database file on a connection of its own, beside the writer rather than inside
/// its commits. SQLite's automatic checkpoint runs in the commit that takes the WAL past its threshold, so the one
/// writer was held while pages were copied and synced, and every append waited for that (issue 17). A PASSIVE
/// checkpoint takes no write lock: appends and folds commit while it copies.
/// </summary>
/// <remarks>
/// SQLite starts the WAL file over only when a write begins after a checkpoint has copied every frame and no reader
/// is still on them, which passes beside a busy writer almost never see. So once the WAL holds
/// <see cref="RestartFrames"/> frames, a pass takes the writer's turn (as background work), copies the few frames left
/// and waits briefly for such readers (RESTART): the next commit starts the file over. The writer keeps SQLite's
/// automatic checkpoint at <see cref="BackstopFrames"/>, should this one fall behind or fail.
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>WAL frames (pages) from which a pass holds the writer to finish, so the file starts over (64 MB).</summary>
    public const int RestartFrames = 16384;

    /// <summary>The writer's own automatic checkpoint (256 MB): only reached if this checkpointer falls behind or fails.</summary>
    public const int BackstopFrames = 65536;

    /// <summary>How long a restart, which holds the writer, waits for readers still on old frames (a fold's read takes milliseconds).</summary>
    private static readonly TimeSpan RestartReaderWait = TimeSpan.FromMilliseconds(100);

    /// <summary>How long an erasure's truncation waits for readers, as long as a write would.</summary>
    private static readonly TimeSpan TruncateReaderWait = TimeSpan.FromSeconds(30);

    /// <summary>How long a pass waits after the first commit it was woken for, so the commits of those milliseconds are copied together.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private readonly string _connectionString;
    private readonly Func<Func<Task>, CancellationToken, Task> _holdWriter;
    private readonly SemaphoreSlim _pass = new(1, 1); // one checkpoint at a time: SQLite answers BUSY to a second
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private SqliteConnection? _connection;
    private int _woken;
    private Task? _loop;

    /// <param name="holdWriter">Runs its work while holding the database's one writer, as background work.</param>
    public WalCheckpointer(string connectionString, Func<Func<Task>, CancellationToken, Task> holdWriter)
    {
        _connectionString = connectionString;
        _holdWriter = holdWriter;
    }

    private TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the next pass of the background loop ends (tests).</summary>
    internal Task NextPassAsync() => Volatile.Read(ref _passed).Task;

    /// <summary>Called after each commit of the writer: a pass follows shortly.</summary>
    public void Committed()
    {
        if (_stop.IsCancellationRequested || Interlocked.Exchange(ref _woken, 1) == 1) return;
        _loop ??= Task.Run(() => RunAsync(_stop.Token));
        _wake.Release();
    }

    /// <summary>Copies the whole WAL into the database file and truncates it to nothing (an erasure: no old page stays in it).</summary>
    public async Task TruncateAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            await _holdWriter(() => CheckpointAsync("TRUNCATE", TruncateReaderWait, ct), ct); // no commit between its copy and the truncation
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stop);
                await Task.Delay(Gather, stop);
                Volatile.Write(ref _woken, 0);
                await PassAsync(stop);
                Interlocked.Exchange(ref _passed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // Nothing is lost: the frames stay in the WAL for the next pass, and the writer's automatic checkpoint
                // at BackstopFrames copies them should passes keep failing.
            }
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            var (frames, _) = await CheckpointAsync("PASSIVE", TimeSpan.Zero, ct);
            // Commits follow one another, so a write transaction nearly always starts before the pass has copied the
            // last commit, and a reader of older frames keeps the file from starting over: a RESTART that holds the
            // writer copies the rest and waits (briefly: appends wait meanwhile) for those readers to finish.
            if (frames >= RestartFrames)
                await _holdWriter(() => CheckpointAsync("RESTART", RestartReaderWait, ct), ct);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>One checkpoint; returns the frames in the WAL and how many of them are in the database file now.</summary>
    /// <param name="readerWait">How long a RESTART or TRUNCATE waits for readers of the old frames (PASSIVE never waits).</param>
    private async Task<(long Frames, long Copied)> CheckpointAsync(string mode, TimeSpan readerWait, CancellationToken ct)
    {
        var c = await ConnectionAsync(ct);
        await using var command = c.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(int)readerWait.TotalMilliseconds}";
        await command.ExecuteNonQueryAsync(ct);
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (0, 0);
        return (Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
    }

    private async ValueTask<SqliteConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is not null) return _connection;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = FULL;"; // durable as the writer's commits
            await pragma.ExecuteNonQueryAsync(ct);
        }
        return _connection = connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        await _pass.WaitAsync();
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }
}
