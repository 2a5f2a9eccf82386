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
/// <see cref="RestartFrames"/> frames, a pass takes the writer's turn (as background work), copies what the last
/// commits added and waits briefly for such readers (RESTART): the next commit starts the file over. A reader that
/// stays longer (an analytics job reading the log) makes the restart give up; the next is tried a second later, then
/// two, four, up to 30, so the writer is not held for nothing pass after pass. The writer keeps SQLite's automatic checkpoint at
/// <see cref="BackstopFrames"/>, reached only if passes fail or such readers keep the WAL from being copied.
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>WAL frames (pages) from which a pass holds the writer to finish, so the file starts over (64 MB).</summary>
    public const int RestartFrames = 16384;

    /// <summary>The writer's own automatic checkpoint (256 MB), a backstop.</summary>
    public const int BackstopFrames = 65536;

    /// <summary>How long a restart, which holds the writer, waits for readers still on old frames (a fold's read takes milliseconds).</summary>
    private static readonly TimeSpan RestartReaderWait = TimeSpan.FromMilliseconds(100);

    /// <summary>How long after a restart that readers kept from finishing the next one is tried: doubled each time it is kept again, up to <see cref="MaxRestartBackOff"/>.</summary>
    private static readonly TimeSpan RestartBackOff = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxRestartBackOff = TimeSpan.FromSeconds(30);

    /// <summary>How long an erasure's truncation keeps trying, in attempts of <see cref="RestartReaderWait"/>, <see cref="TruncatePause"/> apart (tests shorten it).</summary>
    internal TimeSpan TruncateDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The writer is let go this long between truncation attempts, so appends and the fold get through.</summary>
    private static readonly TimeSpan TruncatePause = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a pass waits after the first commit it was woken for, so the commits of those milliseconds are copied together.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    private readonly string _connectionString;
    private readonly Func<Func<Task<bool>>, CancellationToken, Task<bool>> _holdWriter;
    private readonly int _restartFrames;
    private readonly SemaphoreSlim _pass = new(1, 1); // one checkpoint at a time: SQLite answers BUSY to a second
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SqliteConnection? _connection;
    private long _restartNotBefore;
    private long _restartBackOffMs = (long)RestartBackOff.TotalMilliseconds;
    private int _woken;
    private Task? _loop;

    /// <param name="holdWriter">Runs its work while holding the database's one writer, as background work, and returns what it returned.</param>
    /// <param name="restartFrames">Tests pass a small <see cref="RestartFrames"/>.</param>
    public WalCheckpointer(string connectionString, Func<Func<Task<bool>>, CancellationToken, Task<bool>> holdWriter, int restartFrames = RestartFrames)
    {
        _connectionString = connectionString;
        _holdWriter = holdWriter;
        _restartFrames = restartFrames;
    }

    /// <summary>Completes when the next pass of the background loop ends, copied or failed (tests).</summary>
    internal Task NextPassAsync() => Volatile.Read(ref _passed).Task;

    /// <summary>Runs <paramref name="work"/> with no pass under way (tests: a copy of the file is not torn by one).</summary>
    internal Task<T> BetweenPassesAsync<T>(Func<Task<T>> work) => AloneAsync(work, CancellationToken.None);

    /// <summary>Runs <paramref name="work"/> as the only checkpoint of this process: SQLite answers BUSY to a second.</summary>
    private async Task<T> AloneAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Called after each commit of the writer (which holds the writer, so calls never overlap): a pass follows shortly.</summary>
    public void Committed()
    {
        if (_stop.IsCancellationRequested || Interlocked.Exchange(ref _woken, 1) == 1) return;
        if (_loop is null)
        {
            // The loop serves every writer after this one: it must not run in this caller's context (its trace, its log scope).
            if (ExecutionContext.IsFlowSuppressed()) _loop = Task.Run(() => RunAsync(_stop.Token));
            else using (ExecutionContext.SuppressFlow()) _loop = Task.Run(() => RunAsync(_stop.Token));
        }
        _wake.Release();
    }

    /// <summary>
    /// Copies the whole WAL into the database file and truncates it to nothing (an erasure: no old page stays in it).
    /// Each attempt holds the writer, so no commit lands between the copy and the truncation, and waits briefly for
    /// readers of old frames; between attempts appends go on. False if readers kept it from finishing in 5 s (it runs
    /// while an erasure holds the pipeline and the audit journal, so not longer).
    /// </summary>
    public Task<bool> TruncateAsync()
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        return AloneAsync(async () =>
        {
            var deadline = Environment.TickCount64 + (long)TruncateDeadline.TotalMilliseconds;
            while (await HeldCheckpointAsync("TRUNCATE", CancellationToken.None))
            {
                if (Environment.TickCount64 >= deadline) return false;
                await Task.Delay(TruncatePause);
            }
            return true;
        }, CancellationToken.None);
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
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Nothing is lost: the frames stay in the WAL for the next pass, and the writer's automatic checkpoint
                // at BackstopFrames copies them should passes keep failing.
            }
            finally
            {
                Interlocked.Exchange(ref _passed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    /// <summary>One pass; true if it made the WAL start over.</summary>
    private Task<bool> PassAsync(CancellationToken ct) => AloneAsync(async () =>
    {
        var (_, frames, _) = await CheckpointAsync("PASSIVE", TimeSpan.Zero, ct);
        // Commits follow one another, so a write transaction nearly always starts before the pass has copied the
        // last commit, and a reader of older frames keeps the file from starting over: a RESTART that holds the
        // writer copies the rest and waits (briefly: appends wait meanwhile) for those readers to finish.
        if (frames < _restartFrames || Environment.TickCount64 < _restartNotBefore) return false;
        if (!await HeldCheckpointAsync("RESTART", ct))
        {
            _restartBackOffMs = (long)RestartBackOff.TotalMilliseconds;
            return true;
        }
        _restartNotBefore = Environment.TickCount64 + _restartBackOffMs;
        _restartBackOffMs = Math.Min(_restartBackOffMs * 2, (long)MaxRestartBackOff.TotalMilliseconds);
        return false;
    }, ct);

    /// <summary>A RESTART or TRUNCATE holding the writer, so no commit lands between its copy and the file starting over; true if readers kept it from finishing.</summary>
    private Task<bool> HeldCheckpointAsync(string mode, CancellationToken ct) =>
        _holdWriter(async () => (await CheckpointAsync(mode, RestartReaderWait, ct)).Busy, ct);

    /// <summary>One checkpoint: whether readers kept it from finishing, the frames in the WAL, and how many of them are in the database file now.</summary>
    /// <param name="readerWait">How long a RESTART or TRUNCATE waits for readers of old frames (PASSIVE never waits).</param>
    private async Task<(bool Busy, long Frames, long Copied)> CheckpointAsync(string mode, TimeSpan readerWait, CancellationToken ct)
    {
        var c = await ConnectionAsync(ct);
        await using var command = c.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(int)readerWait.TotalMilliseconds}";
        await command.ExecuteNonQueryAsync(ct);
        // SQLite reports a checkpoint that readers or a writer kept from finishing in the row (busy = 1), not as an error.
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (false, 0, 0);
        long Column(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        return (Column(0) != 0, Column(1), Column(2));
    }

    private async ValueTask<SqliteConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is not null) return _connection;
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = FULL;"; // durable as the writer's commits
            await pragma.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return _connection = connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try { await _loop; }
            catch (Exception) { } // the loop ends on cancellation; nothing it was doing needs finishing
        }
        await _pass.WaitAsync(); // a truncation under way ends first; none starts after (ObjectDisposedException)
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }
}
