using System.Data.Common;
using Microsoft.Data.Sqlite;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Writes go through one connection, one transaction at a time
/// (SQLite has a single writer); reads use pooled connections and run beside them. <c>synchronous=FULL</c> makes
/// every commit durable before it returns, so an acknowledged event survives a crash.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase
{
    private static readonly IReadOnlyList<Migration> SqliteMigrations = Migration.FromResources("Sqlite");
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _foregroundWaiting;
    private SqliteConnection? _writer;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        PrivateFiles.Prepare(Path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        AuditJournal = new Audit.SqliteAuditJournal(Audit.SqliteAuditJournal.PathBeside(Path), this);
        Checkpointer = new WalCheckpointer(_connectionString, (work, ct) => WithWriterAsync(background: true, work, ct));
    }

    /// <summary>Copies the WAL into the database file beside the writer.</summary>
    internal WalCheckpointer Checkpointer { get; }

    /// <summary>The audit trail's journal, <c>tailor.audit.db</c> beside the database file: a file with a writer of its own.</summary>
    internal override Audit.SqliteAuditJournal AuditJournal { get; }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string Kind => "sqlite";

    internal override IReadOnlyList<Migration> Migrations => SqliteMigrations;

    internal override string Json(string parameter) => parameter;

    /// <summary>The ids as a JSON array, walked by json_each.</summary>
    internal override (string Sql, object Value) IdSet(string parameter, IReadOnlyCollection<string> ids) =>
        ($"SELECT value FROM json_each(@{parameter})", JsonArray(ids, ids.Count * 16, static (json, id) => json.WriteStringValue(id)));

    /// <summary>A JSON array of <paramref name="items"/>, each written by <paramref name="write"/>: SQLite's one parameter for a list (json_each).</summary>
    private static string JsonArray<T>(IEnumerable<T> items, int capacity, Action<System.Text.Json.Utf8JsonWriter, T> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(capacity + 2);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items) write(json, item);
            json.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Membership changes and timers as a handful of statements over JSON arrays (json_each), however many there are:
    /// a statement per change took twice as long (46 against 24 ms for 5,000 entries and their history, issue 17,
    /// BENCHMARKS.md), with the effect of applying them one by one (<see cref="SqlDatabase.MemberRows"/>). (<c>WHERE
    /// true</c>: SQLite's parser needs it before an upsert's <c>ON CONFLICT</c> in <c>INSERT … SELECT</c>.)
    /// </summary>
    internal override IEnumerable<Statement> MembershipWrites(IReadOnlyList<MembershipChange> changes, IReadOnlyList<SegmentTimer> timers)
    {
        if (changes.Count > 0)
        {
            var (removed, inserted) = MemberRows(changes);
            if (removed.Count > 0)
                yield return new("""
                    DELETE FROM segment_members WHERE (segment_id, profile_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(@rows))
                    """, ("rows", ChangeRows(removed)));
            if (inserted.Count > 0)
                yield return new("""
                    INSERT INTO segment_members (segment_id, profile_id, since)
                    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(@rows) WHERE true
                    ON CONFLICT (segment_id, profile_id) DO NOTHING
                    """, ("rows", ChangeRows(inserted)));
            // json_each walks the array in order (key is the index): history ids follow the order of the changes.
            yield return new("""
                INSERT INTO segment_history (segment_id, profile_id, entered, at)
                SELECT value ->> 0, value ->> 1, value ->> 3, value ->> 2 FROM json_each(@rows) ORDER BY key
                """, ("rows", ChangeRows(changes)));
        }
        var (set, cleared) = LatestTimers(timers);
        if (set.Count > 0)
            yield return new("""
                INSERT INTO segment_timers (segment_id, profile_id, due_at)
                SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(@rows) WHERE true
                ON CONFLICT (segment_id, profile_id) DO UPDATE SET due_at = excluded.due_at
                """, ("rows", TimerRows(set)));
        if (cleared.Count > 0)
            yield return new("""
                DELETE FROM segment_timers WHERE (segment_id, profile_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(@rows))
                """, ("rows", TimerRows(cleared)));
    }

    /// <summary>Changes as [segment, profile, at ms, entered 1/0] rows.</summary>
    private static string ChangeRows(IReadOnlyCollection<MembershipChange> changes) =>
        JsonArray(changes, changes.Count * 40, static (json, c) =>
        {
            json.WriteStartArray();
            json.WriteStringValue(c.SegmentId);
            json.WriteStringValue(c.ProfileId);
            json.WriteNumberValue(Db.Ms(c.At));
            json.WriteNumberValue(c.Entered ? 1 : 0);
            json.WriteEndArray();
        });

    /// <summary>Timers as [segment, profile, due ms or null] rows.</summary>
    private static string TimerRows(IReadOnlyCollection<SegmentTimer> timers) =>
        JsonArray(timers, timers.Count * 40, static (json, t) =>
        {
            json.WriteStartArray();
            json.WriteStringValue(t.SegmentId);
            json.WriteStringValue(t.ProfileId);
            if (t.DueAt is { } due) json.WriteNumberValue(Db.Ms(due)); else json.WriteNullValue();
            json.WriteEndArray();
        });

    // json_each gives true/false as 1/0, so the JSON type must match too (true is not the number 1);
    // integer and real compare as numbers, as in PostgreSQL's jsonb (3 equals 3.0).
    internal override string TraitEqualsSql => """
        EXISTS (SELECT 1 FROM json_each(profiles.traits) AS t WHERE t.key = @name
            AND CASE WHEN t.type IN ('integer', 'real') THEN json_type(@value) IN ('integer', 'real') ELSE t.type = json_type(@value) END
            AND t.value IS json_extract(@value, '$'))
        """;

    internal override string ComputedNumberSql(string name) => $"json_extract(computed, '$.{name}')";

    internal override async ValueTask<DbConnection> OpenReadAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        RegisterFunctions(connection);
        return connection;
    }

    /// <summary>
    /// The SQL functions the schema uses (<c>tailor_payload</c>, which the view <c>events</c> decodes payloads with, and
    /// <c>tailor_dedupe_key</c>, which rows inserted through the view are keyed with); a tool that opens the database
    /// file itself calls this before reading or writing <c>events</c>.
    /// </summary>
    /// <remarks>
    /// <c>tailor_payload(payload, message_id, user_id, anonymous_id, type, name, ts)</c> gives the message whole (since
    /// migration 0041; the form without <c>ts</c> is gone, as a row may leave its timestamp to <c>ts</c>);
    /// <c>tailor_payload(payload)</c> gives it without the top-level envelope fields a format-2 payload leaves to those
    /// columns (<see cref="Events.PayloadCodec"/>): enough to read properties, context or traits.
    /// </remarks>
    public static void RegisterFunctions(SqliteConnection connection)
    {
        connection.CreateFunction<object?, string?>("tailor_payload", Events.PayloadCodec.DecodeWithoutColumns, isDeterministic: true);
        connection.CreateFunction<object?, string, string?, string?, string, string?, long, string?>("tailor_payload",
            (payload, messageId, userId, anonymousId, type, name, ts) => Events.PayloadCodec.Decode(payload, new Events.PayloadColumns(messageId, userId, anonymousId, type, name, ts)),
            isDeterministic: true);
        // The log's dedupe key for rows written by SQL (migration 0037, the view's INSTEAD OF INSERT trigger).
        connection.CreateFunction<string, string, long>("tailor_dedupe_key", Events.DedupeKey.Of, isDeterministic: true);
    }

    internal override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct, bool background = false) =>
        WithWriterAsync(background, async () =>
        {
            var connection = await WriterAsync(ct);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(ct);
            Checkpointer.Committed();
            return result;
        }, ct);

    /// <summary>Runs <paramref name="work"/> holding the one writer: a transaction, or a checkpoint that must see no commit.</summary>
    private async Task<T> WithWriterAsync<T>(bool background, Func<Task<T>> work, CancellationToken ct)
    {
        await AcquireWriterAsync(background, ct);
        try
        {
            return await work();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// SQLite has one writer. Appends (a client is waiting for its 2xx) go before background work (pipeline and segment
    /// commits), which yields while an append is waiting — but only for <see cref="MaxBackgroundDeference"/>: the group
    /// commit loop under full load is waiting nearly all the time, and yielding without a bound starved the profile
    /// pipeline (349 events/s folded while 14,900/s were acknowledged, issue 17). After the bound the background commit
    /// takes its turn; appends that arrive meanwhile join the next, larger group commit.
    /// </summary>
    private async Task AcquireWriterAsync(bool background, CancellationToken ct)
    {
        if (!background)
        {
            Interlocked.Increment(ref _foregroundWaiting);
            try { await _writeLock.WaitAsync(ct); }
            finally { Interlocked.Decrement(ref _foregroundWaiting); }
            return;
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            await _writeLock.WaitAsync(ct);
            if (Volatile.Read(ref _foregroundWaiting) == 0 || System.Diagnostics.Stopwatch.GetElapsedTime(started) >= MaxBackgroundDeference) return;
            _writeLock.Release();
            await Task.Delay(1, ct);
        }
    }

    /// <remarks>
    /// Never an error, and not cancelled with the request: the erasure has committed, its listeners and audit entry
    /// must follow, and a second erasure would find no one to erase. When readers keep it from finishing (5 s), the
    /// old pages stay in the WAL until the file next starts over and they are overwritten (docs/privacy.md): the answer
    /// is false, and the erasure says so.
    /// </remarks>
    internal override async Task<bool?> TruncateWriteAheadLogAsync()
    {
        try
        {
            return await Checkpointer.TruncateAsync();
        }
        catch (Exception e) when (e is SqliteException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>How long background work gives way to waiting appends before it takes its turn anyway.</summary>
    public static readonly TimeSpan MaxBackgroundDeference = TimeSpan.FromMilliseconds(20);

    /// <summary>What the WAL file is cut back to when it starts over after growing past it (it would otherwise keep its peak size).</summary>
    public const long WalSizeLimitBytes = 64L << 20;

    /// <summary>The writer connection's page cache, in KiB (SQLite's default is 2,000).</summary>
    public const int WriterCacheKib = 65536;

    private async Task<SqliteConnection> WriterAsync(CancellationToken ct)
    {
        if (_writer is not null) return _writer;
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        RegisterFunctions(connection);
        await using (var pragma = connection.CreateCommand())
        {
            // A page cache that holds a pipeline commit's dirty pages (about 20 MB for 2,000 events: the random-keyed
            // indexes of profiles, identities, trait history and assignments): with the default 2 MB, SQLite spilled
            // pages to the WAL mid-transaction and wrote them again at commit, and re-read the same pages batch after
            // batch (issue 17: pwrite −26 %, pread −61 % for the same fold, BENCHMARKS.md). Statement journals and
            // temporary tables of every write stay in memory: a many-row statement (json_each) otherwise spilled its
            // journal to a temporary file per commit. The WAL is copied into the file beside the writer (WalCheckpointer),
            // and cut back to 64 MB when it starts over.
            pragma.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -{WriterCacheKib}; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = {WalCheckpointer.BackstopFrames}; PRAGMA journal_size_limit = {WalSizeLimitBytes};";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        return _writer = connection;
    }

    /// <summary>
    /// The owners of a batch's identities in one statement (the identities as one JSON array, joined to the key of
    /// <c>identities</c>). One look-up per identity cost a statement and its own read transaction each: two file-lock
    /// calls per identity, 141,000 of them for 100,000 events of a first import (issue 17).
    /// </summary>
    internal override async Task<IReadOnlySet<string>> OwnerIdsAsync(DbConnection c, IReadOnlyCollection<Core.Identity.ProfileIdentifier> identities, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (identities.Count == 0) return ids;
        var pairs = JsonArray(identities, identities.Count * 48, static (json, identity) =>
        {
            json.WriteStartArray();
            json.WriteStringValue(identity.Type);
            json.WriteStringValue(identity.Value);
            json.WriteEndArray();
        });
        // CROSS JOIN keeps the order: walk the list, seek the primary key (type, value) for each.
        await using var command = Db.Command(c, null, """
            SELECT DISTINCT i.profile_id FROM json_each(@pairs) AS q CROSS JOIN identities AS i
            WHERE i.type = json_extract(q.value, '$[0]') AND i.value = json_extract(q.value, '$[1]')
            """, ("pairs", pairs));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    internal override object StoredPayload(string json, in Events.PayloadColumns columns) => Events.PayloadCodec.Encode(json, columns);

    /// <summary>Payloads compressed before the write lock is taken (<see cref="Events.PayloadCodec"/>).</summary>
    internal override object? EncodePayloads(IReadOnlyList<TailorEvent> events)
    {
        var blobs = new byte[events.Count][];
        for (var i = 0; i < blobs.Length; i++) blobs[i] = Events.PayloadCodec.Encode(events[i].Payload, Events.PayloadColumns.Of(events[i]));
        return blobs;
    }

    /// <remarks>
    /// Dedupe by a 64-bit key (<see cref="Events.DedupeKey"/>, indexed) instead of a unique index on (source_id,
    /// message_id): a key found is confirmed against the stored source and messageId, so a collision never drops a
    /// message. Look-up and insert are safe without a unique constraint because SQLite has one writer and both run in
    /// its transaction (earlier rows of the same append included).
    /// </remarks>
    internal override async Task<bool[]> InsertEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TailorEvent> events, object? encoded, CancellationToken ct)
    {
        await using var seen = Db.Command(connection, transaction,
            "SELECT 1 FROM event_log WHERE dedupe = @key AND source_id = @source AND message_id = @message LIMIT 1",
            ("key", null), ("source", null), ("message", null));
        await using var command = Db.Command(connection, transaction, $"""
            INSERT INTO event_log (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, dedupe)
            VALUES (@message, @source, @type, @name, @user, @anonymous, @ts, @received, @payload, @key)
            """, ("message", null), ("source", null), ("type", null), ("name", null), ("user", null), ("anonymous", null),
            ("ts", null), ("received", null), ("payload", null), ("key", null));
        var q = seen.Parameters;
        var p = command.Parameters;
        var stored = new bool[events.Count];
        var payloads = encoded ?? EncodePayloads(events);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var key = Events.DedupeKey.Of(e.SourceId, e.MessageId);
            q[0].Value = key;
            q[1].Value = e.SourceId;
            q[2].Value = e.MessageId;
            if (await seen.ExecuteScalarAsync(ct) is not null) continue;
            p[0].Value = e.MessageId;
            p[1].Value = e.SourceId;
            p[2].Value = e.Type.ToWire();
            p[3].Value = (object?)e.Name ?? DBNull.Value;
            p[4].Value = (object?)e.UserId ?? DBNull.Value;
            p[5].Value = (object?)e.AnonymousId ?? DBNull.Value;
            p[6].Value = Db.Ms(e.Timestamp);
            p[7].Value = Db.Ms(e.ReceivedAt);
            p[8].Value = payloads is byte[][] blobs ? blobs[i] : e.Payload;
            p[9].Value = key;
            await command.ExecuteNonQueryAsync(ct);
            stored[i] = true;
        }
        return stored;
    }

    internal override async Task ExecuteAllAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements, CancellationToken ct)
    {
        // SQLite runs in-process, so there are no round trips to save; reusing one prepared command per SQL text is what pays.
        var prepared = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var statement in statements)
            {
                if (!prepared.TryGetValue(statement.Sql, out var command))
                {
                    command = Db.Command(connection, transaction, statement.Sql, statement.Parameters);
                    prepared[statement.Sql] = command;
                }
                else
                {
                    for (var i = 0; i < statement.Parameters.Length; i++)
                        command.Parameters[i].Value = statement.Parameters[i].Value ?? DBNull.Value;
                }
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            foreach (var command in prepared.Values) await command.DisposeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await AuditJournal.DisposeAsync(); // first: a move under way writes through the writer
        await Checkpointer.DisposeAsync();
        if (_writer is not null) await _writer.DisposeAsync();
        _writeLock.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        await base.DisposeAsync();
    }
}
