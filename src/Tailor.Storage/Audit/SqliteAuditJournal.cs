using System.Globalization;
using Microsoft.Data.Sqlite;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Audit;

/// <summary>
/// On SQLite an audit entry is made durable in a small journal file of its own (<c>tailor.audit.db</c> beside
/// <c>tailor.db</c>) and then moved into <c>audit_log</c> by a background write. SQLite has one writer, and under load
/// the profile pipeline's commits hold it for hundreds of milliseconds: a profile read that waited for its entry to
/// commit in the main file waited for them (issue 17: a lookup took 0.53 s at the server beside 10,000 events/s, 6 ms
/// without that wait). The journal has a writer of its own, so an entry costs a share of one fsync, and a request is
/// still answered only once its entry is durable.
/// </summary>
/// <remarks>
/// A move is exactly once: the main file keeps, per journal, the last journal seq moved (<c>audit_journal_moves</c>),
/// written in the commit that inserts the entries, and only entries above it are inserted — so neither a crash between
/// that commit and the journal's delete nor two processes moving at once insert an entry twice. A journal file made
/// anew (deleted, restored) has a new id, so its numbering starting again skips nothing. Whoever reads the trail, and
/// erasure, calls <see cref="FlushAsync"/> first: every entry already answered is then in <c>audit_log</c>.
/// </remarks>
internal sealed class SqliteAuditJournal : IAsyncDisposable
{
    /// <summary>Entries per move commit at most.</summary>
    private const int MovePage = 1000;

    private readonly SqlDatabase _main;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _journalLock = new(1, 1); // the journal's one connection
    private readonly SemaphoreSlim _moveLock = new(1, 1);    // one move at a time in this process
    private SqliteConnection? _connection;
    private string _id = "";
    private int _kicks;
    private Task _moving = Task.CompletedTask;
    private bool _disposed;

    public SqliteAuditJournal(string path, SqlDatabase main)
    {
        Path = path;
        _main = main;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The journal file beside the database file <paramref name="databasePath"/>.</summary>
    public static string PathBeside(string databasePath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(databasePath)!, System.IO.Path.GetFileNameWithoutExtension(databasePath) + ".audit.db");

    public string Path { get; }

    /// <summary>Writes <paramref name="entries"/> durably in one journal commit, then has them moved in the background.</summary>
    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries)
    {
        await WithJournalAsync(async c =>
        {
            await using var transaction = await c.BeginTransactionAsync();
            await SqlAuditStore.InsertAsync(c, transaction, "entries", entries);
            await transaction.CommitAsync();
            return 0;
        }, CancellationToken.None);
        Kick();
    }

    /// <summary>Moves every entry the journal holds into <c>audit_log</c>; returns once they are there.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _moveLock.WaitAsync(ct);
        try
        {
            while (await MovePageAsync(ct)) { }
        }
        finally
        {
            _moveLock.Release();
        }
    }

    /// <summary>Writes the journal's log back into its file and empties it: after an erasure, no old copy of a moved entry stays on disk.</summary>
    public Task CheckpointAsync(CancellationToken ct) =>
        WithJournalAsync(c => Db.ScalarAsync(c, null, "PRAGMA wal_checkpoint(TRUNCATE)", ct), ct);

    /// <summary>One page: read from the journal, inserted into the main file with the journal's moved-up-to seq, deleted from the journal.</summary>
    private async Task<bool> MovePageAsync(CancellationToken ct)
    {
        var page = await WithJournalAsync(c => Db.ListAsync(c, """
            SELECT seq, at, actor, actor_name, action, target, outcome, origin FROM entries ORDER BY seq LIMIT @page
            """, SqlAuditStore.Read, ct, ("page", MovePage)), ct);
        if (page.Count == 0) return false;
        var movedUpTo = await _main.WriteAsync(async (c, t) =>
        {
            var stored = await Db.ScalarAsync(c, t, "SELECT moved_up_to FROM audit_journal_moves WHERE journal = @journal", ct, ("journal", _id));
            var before = stored is null ? 0 : Convert.ToInt64(stored, CultureInfo.InvariantCulture);
            await SqlAuditStore.InsertAsync(c, t, "audit_log", [.. page.Where(e => e.Seq > before)]);
            var upTo = Math.Max(before, page[^1].Seq);
            await Db.ExecuteAsync(c, t, """
                INSERT INTO audit_journal_moves (journal, moved_up_to) VALUES (@journal, @upTo)
                ON CONFLICT (journal) DO UPDATE SET moved_up_to = excluded.moved_up_to
                """, ct, ("journal", _id), ("upTo", upTo));
            return upTo;
        }, ct, background: true);
        await WithJournalAsync(c => Db.ExecuteAsync(c, null, "DELETE FROM entries WHERE seq <= @upTo", ct, ("upTo", movedUpTo)), ct);
        return true;
    }

    /// <summary>Starts a background move unless one is running; a move that is running goes round again.</summary>
    private void Kick()
    {
        if (Interlocked.Increment(ref _kicks) != 1) return;
        // The move serves every caller since: it must not run in this caller's context (its trace, its log scope).
        using (ExecutionContext.SuppressFlow()) _moving = Task.Run(MoveWhileKickedAsync);
    }

    private async Task MoveWhileKickedAsync()
    {
        int seen;
        do
        {
            seen = Volatile.Read(ref _kicks);
            try
            {
                await FlushAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                // The entries stay durable in the journal; the next append, read of the trail or erasure moves them (and
                // a read or erasure reports what stops it).
                Interlocked.Exchange(ref _kicks, 0);
                return;
            }
        }
        while (Interlocked.Add(ref _kicks, -seen) > 0);
    }

    private async Task<T> WithJournalAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await _journalLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await work(_connection ?? await OpenAsync(ct));
        }
        finally
        {
            _journalLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        Sqlite.PrivateFiles.Prepare(Path);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        try
        {
            // secure_delete: a moved entry's bytes are overwritten, not left in free space (it may quote an identifier an erasure removes).
            await Db.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;", ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // AUTOINCREMENT: a seq is never handed out again after its entry was moved and deleted.
            await Db.ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
                    actor_name TEXT NOT NULL, action TEXT NOT NULL, target TEXT, outcome INTEGER NOT NULL, origin TEXT)
                """, ct);
            await Db.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS journal (id TEXT NOT NULL)", ct);
            await Db.ExecuteAsync(connection, transaction, "INSERT INTO journal (id) SELECT @id WHERE NOT EXISTS (SELECT 1 FROM journal)", ct,
                ("id", Guid.NewGuid().ToString("N")));
            _id = (string)(await Db.ScalarAsync(connection, transaction, "SELECT id FROM journal", ct))!;
            await transaction.CommitAsync(ct);
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
        // A move under way finishes (what it misses stays in the journal for the next process); none starts after.
        Interlocked.Exchange(ref _kicks, int.MinValue / 2);
        await _moving;
        await _journalLock.WaitAsync();
        try
        {
            _disposed = true;
            if (_connection is not null) await _connection.DisposeAsync();
            _connection = null;
        }
        finally
        {
            _journalLock.Release();
        }
    }
}
