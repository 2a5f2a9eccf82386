using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Audit;

/// <summary>
/// On SQLite an audit entry is made durable in a small journal file of its own (<c>tailor.audit.db</c> beside
/// <c>tailor.db</c>) and later moved into <c>audit_log</c>. SQLite has one writer, and under load the profile
/// pipeline's commits hold it for hundreds of milliseconds: a profile read that waited for its entry to commit in the
/// main file waited for them (issue 17: a lookup took 0.53 s at the server beside 10,000 events/s, 6 ms without that
/// wait). The journal has a writer of its own, so an entry costs a share of one fsync, and a request is still answered
/// only once its entry is durable.
/// </summary>
/// <remarks>
/// Entries move in pages of <see cref="MovePage"/>: one more commit on the main writer per page, not per entry (moving
/// after every journal commit took every other writer turn from the pipeline and halved its rate). Whoever reads the
/// trail calls <see cref="FlushAsync"/> first, so every entry already answered is in <c>audit_log</c> when it reads;
/// an erasure runs inside <see cref="ExclusiveAsync{T}"/>. A move is exactly once: the main file keeps, per journal, the
/// last journal seq moved (<c>audit_journal_moves</c>), written in the commit that inserts the entries, and only entries
/// above it are inserted — so neither a crash between that commit and the journal's delete nor two processes moving at
/// once insert an entry twice. A journal file made anew or restored from an older copy is brought past the seqs
/// already moved when it is opened, so none of its new entries is taken for moved.
/// </remarks>
internal sealed class SqliteAuditJournal : IAsyncDisposable
{
    /// <summary>Entries per move commit at most, and how many this process appends before it moves them.</summary>
    public const int MovePage = 1000;

    private readonly SqlDatabase _main;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _journalLock = new(1, 1); // the journal's one connection; held by an erasure throughout
    private readonly SemaphoreSlim _moveLock = new(1, 1);    // one flush at a time in this process
    private readonly Lock _kickLock = new();
    private readonly string _name;
    private SqliteConnection? _connection;
    private int _unmoved;
    private Task _moving = Task.CompletedTask;
    private bool _disposing, _closed;

    public SqliteAuditJournal(string path, SqlDatabase main)
    {
        Path = path;
        _name = System.IO.Path.GetFileName(path);
        _main = main;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The journal file beside the database file <paramref name="databasePath"/>.</summary>
    public static string PathBeside(string databasePath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(databasePath)!, System.IO.Path.GetFileNameWithoutExtension(databasePath) + ".audit.db");

    public string Path { get; }

    /// <summary>Writes <paramref name="entries"/> durably in one journal commit; a full page is then moved in the background.</summary>
    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries)
    {
        await _journalLock.WaitAsync();
        try
        {
            var c = await ConnectionAsync(CancellationToken.None);
            await using var transaction = await c.BeginTransactionAsync();
            await SqlAuditStore.InsertAsync(c, transaction, "entries", entries);
            await transaction.CommitAsync();
        }
        finally
        {
            _journalLock.Release();
        }
        Kick(entries.Count);
    }

    /// <summary>Moves every entry the journal holds when this flush takes its turn into <c>audit_log</c>; returns once they are there (entries appended meanwhile wait for the next).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _moveLock.WaitAsync(ct);
        try
        {
            var last = await WithJournalAsync(c => LastSeqAsync(c, ct), ct);
            while (await MovePageAsync(last, ct)) { }
        }
        finally
        {
            _moveLock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> (an erasure) with every entry of the journal moved into <c>audit_log</c> first and
    /// appends held back until it is done, then writes the journal's log back into its file and empties it: no entry
    /// answered before the work is left out of it, and no old copy of a moved entry stays on disk.
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _journalLock.WaitAsync(ct);
        try
        {
            var c = await ConnectionAsync(ct);
            while (await ReadPageAsync(c, long.MaxValue, ct) is { Count: > 0 } page)
                await DeleteUpToAsync(c, await MoveIntoMainAsync(page, ct), ct);
            var result = await work();
            await Db.ScalarAsync(c, null, "PRAGMA wal_checkpoint(TRUNCATE)", ct);
            return result;
        }
        finally
        {
            _journalLock.Release();
        }
    }

    /// <summary>One page of entries up to <paramref name="last"/>: read, inserted into the main file, deleted from the journal.</summary>
    private async Task<bool> MovePageAsync(long last, CancellationToken ct)
    {
        var page = await WithJournalAsync(c => ReadPageAsync(c, last, ct), ct);
        if (page.Count == 0) return false;
        var movedUpTo = await MoveIntoMainAsync(page, ct);
        await WithJournalAsync(c => DeleteUpToAsync(c, movedUpTo, ct), ct);
        return true;
    }

    private static Task<List<AuditEntry>> ReadPageAsync(SqliteConnection c, long last, CancellationToken ct) =>
        Db.ListAsync(c, "SELECT seq, at, actor, actor_name, action, target, outcome, origin FROM entries WHERE seq <= @last ORDER BY seq LIMIT @page",
            SqlAuditStore.Read, ct, ("last", last), ("page", MovePage));

    private static Task<int> DeleteUpToAsync(SqliteConnection c, long movedUpTo, CancellationToken ct) =>
        Db.ExecuteAsync(c, null, "DELETE FROM entries WHERE seq <= @upTo", ct, ("upTo", movedUpTo));

    private static async Task<long> LastSeqAsync(SqliteConnection c, CancellationToken ct) =>
        await Db.ScalarAsync(c, null, "SELECT MAX(seq) FROM entries", ct) is { } last ? Convert.ToInt64(last, CultureInfo.InvariantCulture) : 0;

    /// <summary>Inserts the entries of <paramref name="page"/> not moved before, with the journal's new moved-up-to seq, in one commit; returns that seq.</summary>
    private Task<long> MoveIntoMainAsync(IReadOnlyList<AuditEntry> page, CancellationToken ct) =>
        _main.WriteAsync(async (c, t) =>
        {
            var before = await MovedUpToAsync(c, t, ct);
            await SqlAuditStore.InsertAsync(c, t, "audit_log", [.. page.Where(e => e.Seq > before)]);
            var upTo = Math.Max(before, page[^1].Seq);
            await Db.ExecuteAsync(c, t, """
                INSERT INTO audit_journal_moves (journal, moved_up_to) VALUES (@journal, @upTo)
                ON CONFLICT (journal) DO UPDATE SET moved_up_to = excluded.moved_up_to
                """, ct, ("journal", _name), ("upTo", upTo));
            return upTo;
        }, ct, background: true);

    private async Task<long> MovedUpToAsync(DbConnection c, DbTransaction? t, CancellationToken ct) =>
        await Db.ScalarAsync(c, t, "SELECT moved_up_to FROM audit_journal_moves WHERE journal = @journal", ct, ("journal", _name)) is { } stored
            ? Convert.ToInt64(stored, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Counts what this process appended; a full page starts a move in the background unless one is under way.</summary>
    private void Kick(int appended)
    {
        if (Interlocked.Add(ref _unmoved, appended) < MovePage) return;
        lock (_kickLock)
        {
            if (_disposing || !_moving.IsCompleted) return;
            Interlocked.Exchange(ref _unmoved, 0);
            // The move serves every caller since: it must not run in this caller's context (its trace, its log scope).
            using (ExecutionContext.SuppressFlow()) _moving = Task.Run(MoveQuietlyAsync);
        }
    }

    private async Task MoveQuietlyAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The entries stay durable in the journal: the next move, read of the trail or erasure moves them (and a
            // read or erasure reports what stops it).
        }
    }

    private async Task<T> WithJournalAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await _journalLock.WaitAsync(ct);
        try
        {
            return await work(await ConnectionAsync(ct));
        }
        finally
        {
            _journalLock.Release();
        }
    }

    /// <summary>The journal's connection, opened (and the file made) on first use. Called with <see cref="_journalLock"/> held.</summary>
    private async ValueTask<SqliteConnection> ConnectionAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_connection is not null) return _connection;
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
            await SkipMovedAsync(connection, transaction, ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return _connection = connection;
    }

    /// <summary>
    /// A journal made anew (deleted) or restored from an older copy would number new entries at or below what was already
    /// moved, which a move skips as moved: numbering goes on after the last seq moved, and entries already moved go.
    /// </summary>
    private async Task SkipMovedAsync(SqliteConnection journal, DbTransaction transaction, CancellationToken ct)
    {
        long moved;
        await using (var main = await _main.OpenReadAsync(ct)) moved = await MovedUpToAsync(main, null, ct);
        if (moved == 0) return;
        await Db.ExecuteAsync(journal, transaction, "DELETE FROM entries WHERE seq <= @moved", ct, ("moved", moved));
        await Db.ExecuteAsync(journal, transaction, "UPDATE sqlite_sequence SET seq = @moved WHERE name = 'entries' AND seq < @moved", ct, ("moved", moved));
        await Db.ExecuteAsync(journal, transaction, "INSERT INTO sqlite_sequence (name, seq) SELECT 'entries', @moved WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'entries')", ct,
            ("moved", moved));
    }

    /// <summary>Moves what the journal holds (a clean stop leaves it empty) and closes it; no move starts after.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_kickLock) _disposing = true;
        await _moving;
        if (_connection is not null) await MoveQuietlyAsync();
        await _journalLock.WaitAsync();
        try
        {
            _closed = true;
            if (_connection is not null) await _connection.DisposeAsync();
            _connection = null;
        }
        finally
        {
            _journalLock.Release();
        }
    }
}
