using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Postgres;

/// <summary>
/// The production store. Traits, computed traits and consent are JSONB (no index over traits: migration 0045); event payloads are
/// <c>json</c>, which keeps the text exactly as the client sent it (JSONB would reorder keys and drop duplicates).
/// Appends take a transaction-scoped advisory lock so that log sequences become visible in commit order: the
/// profile pipeline reads "everything after position N" and must never skip an event committed late.
/// </summary>
public sealed class PostgresDatabase(string connectionString) : SqlDatabase
{
    /// <summary>The advisory lock every append holds until its commit, so sequences become visible in order.</summary>
    public const long AppendLockKey = 0x7461696C6F72; // "tailor"

    /// <summary>The advisory lock held while membership history is written (+1 is the migration lock).</summary>
    public const long SegmentHistoryLockKey = AppendLockKey + 2;
    private const int MaxCommandsPerRoundTrip = 1000;
    private static readonly IReadOnlyList<Migration> PostgresMigrations = Migration.FromResources("Postgres");
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithPreparedStatements(connectionString));

    /// <summary>Statements kept prepared on each connection unless the connection string says otherwise (Npgsql's default is none).</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>
    /// Npgsql prepares a statement once it has run twice on a connection, so PostgreSQL stops parsing and planning the
    /// fold's statements (then one per profile, identity and trait change: hundreds per batch) every time: with it the fold
    /// on durable PostgreSQL folded about half again as many events (issue 17, BENCHMARKS.md). A connection string that
    /// sets <c>Max Auto Prepare</c> or <c>Auto Prepare Min Usages</c> keeps its value (<c>Max Auto Prepare=0</c> behind a
    /// pooler that cannot keep prepared statements, docs/configuration.md).
    /// </summary>
    internal static string WithPreparedStatements(string connectionString)
    {
        // Npgsql's own builder answers ContainsKey for every keyword it knows; a plain one holds only those given.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(Squeezed).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("MaxAutoPrepare")) builder.MaxAutoPrepare = MaxAutoPrepare;
        if (!given.Contains("AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;

        static string Squeezed(string keyword) => keyword.Replace(" ", "", StringComparison.Ordinal); // "Max Auto Prepare" is also "MaxAutoPrepare"
    }

    public override string Kind => "postgres";

    internal override IReadOnlyList<Migration> Migrations => PostgresMigrations;

    internal override string Json(string parameter) => parameter + "::jsonb";

    internal override (string Sql, object Value) IdSet(string parameter, IReadOnlyCollection<string> ids) =>
        ($"SELECT unnest(@{parameter}::text[])", ids as string[] ?? [.. ids]);

    internal override string StoredPayloadSql(string parameter) => parameter + "::json";

    internal override string TraitEqualsSql => "traits @> jsonb_build_object(@name::text, @value::jsonb)";

    internal override string ComputedNumberSql(string name) => $"(computed->>'{name}')::numeric";

    /// <summary>
    /// History ids come from a sequence at insert time; without this lock a node could commit id 11 before another
    /// commits id 10, and a reader that had moved past 11 would never see 10.
    /// </summary>
    internal override Task OrderHistoryWritesAsync(DbConnection c, DbTransaction t, CancellationToken ct) =>
        Db.ExecuteAsync(c, t, "SELECT pg_advisory_xact_lock(@key)", ct, ("key", SegmentHistoryLockKey));

    /// <summary>
    /// Membership changes and timers as a handful of array statements, however many there are; the inserts are fenced
    /// (<see cref="Fenced"/>): the erasure guard's check per row was about a third of a full recompute's writes.
    /// </summary>
    internal override IEnumerable<Statement> MembershipWrites(IReadOnlyList<MembershipChange> changes, IReadOnlyList<SegmentTimer> timers)
    {
        if (changes.Count > 0)
        {
            var (removed, inserted) = MemberRows(changes);
            if (removed.Count > 0)
                yield return new("""
                    DELETE FROM segment_members m USING unnest(@segments, @profiles) AS x(segment_id, profile_id)
                    WHERE m.segment_id = x.segment_id AND m.profile_id = x.profile_id
                    """, ("segments", removed.Select(c => c.SegmentId).ToArray()), ("profiles", removed.Select(c => c.ProfileId).ToArray()));
            if (inserted.Count > 0)
                foreach (var statement in Fenced(new($"""
                    INSERT INTO segment_members (segment_id, profile_id, since)
                    SELECT * FROM unnest(@segments, @profiles, @ats) AS x(segment_id, profile_id, since) WHERE {NotErased("x.profile_id")}
                    ON CONFLICT (segment_id, profile_id) DO NOTHING
                    """, ("segments", inserted.Select(c => c.SegmentId).ToArray()), ("profiles", inserted.Select(c => c.ProfileId).ToArray()),
                    ("ats", inserted.Select(c => Db.Ms(c.At)).ToArray()))))
                    yield return statement;
            // WITH ORDINALITY keeps the history ids in the order the changes were made.
            foreach (var statement in Fenced(new($"""
                INSERT INTO segment_history (segment_id, profile_id, entered, at)
                SELECT segment_id, profile_id, entered, at FROM unnest(@segments, @profiles, @entered, @ats) WITH ORDINALITY AS x(segment_id, profile_id, entered, at, n)
                WHERE {NotErased("x.profile_id")}
                ORDER BY n
                """, ("segments", changes.Select(c => c.SegmentId).ToArray()), ("profiles", changes.Select(c => c.ProfileId).ToArray()),
                ("entered", changes.Select(c => c.Entered).ToArray()), ("ats", changes.Select(c => Db.Ms(c.At)).ToArray()))))
                yield return statement;
        }
        var (set, cleared) = LatestTimers(timers);
        if (set.Count > 0)
            foreach (var statement in Fenced(new($"""
                INSERT INTO segment_timers (segment_id, profile_id, due_at)
                SELECT * FROM unnest(@segments, @profiles, @dues) AS x(segment_id, profile_id, due_at) WHERE {NotErased("x.profile_id")}
                ON CONFLICT (segment_id, profile_id) DO UPDATE SET due_at = excluded.due_at
                """, ("segments", set.Select(t => t.SegmentId).ToArray()), ("profiles", set.Select(t => t.ProfileId).ToArray()),
                ("dues", set.Select(t => Db.Ms(t.DueAt!.Value)).ToArray()))))
                yield return statement;
        if (cleared.Count > 0)
            yield return new("""
                DELETE FROM segment_timers t USING unnest(@segments, @profiles) AS x(segment_id, profile_id)
                WHERE t.segment_id = x.segment_id AND t.profile_id = x.profile_id
                """, ("segments", cleared.Select(t => t.SegmentId).ToArray()), ("profiles", cleared.Select(t => t.ProfileId).ToArray()));
    }

    internal override bool AssignmentsCarryEventKeys => true;

    /// <summary>
    /// A batch's event assignments as one array statement (the last word per event wins), each with its event's type,
    /// name and time from the log (migration 0048: what snapshots match on without reading the log row).
    /// </summary>
    internal override IEnumerable<Statement> AssignmentWrites(IReadOnlyList<Core.Pipeline.EventAssignment> assignments)
    {
        if (assignments.Count == 0) return [];
        var latest = new Dictionary<long, string>(assignments.Count);
        foreach (var a in assignments) latest[a.Sequence] = a.ProfileId;
        return Fenced(new($"""
            INSERT INTO event_profiles (seq, profile_id, type, name, ts)
            SELECT x.seq, x.profile_id, l.type, l.name, l.ts FROM unnest(@seqs, @profiles) AS x(seq, profile_id) LEFT JOIN event_log l ON l.seq = x.seq
            WHERE {NotErased("x.profile_id")}
            ON CONFLICT (seq) DO UPDATE SET profile_id = excluded.profile_id
            """, ("seqs", latest.Keys.ToArray()), ("profiles", latest.Values.ToArray())));
    }

    /// <summary>
    /// <paramref name="statement"/> with the erasure fence's row guard standing aside for its length (migrations 0046, 0047):
    /// the statement keeps rows of erased profiles out itself (<see cref="NotErased"/>), once for all its rows, instead of
    /// a function call and a query per row. The setting is the transaction's, so a failed statement takes it back too.
    /// </summary>
    private static Statement[] Fenced(Statement statement) =>
        [new("SELECT set_config('tailor.fenced', 'on', true)"), statement, new("SELECT set_config('tailor.fenced', '', true)")];

    /// <summary>What the erasure guard checks for each row, as a condition of a fenced statement on <paramref name="profileId"/>.</summary>
    private static string NotErased(string profileId) => $"NOT EXISTS (SELECT 1 FROM erased_profiles e WHERE e.id = {profileId})";

    /// <summary>
    /// A commit's profile rows as one statement of arrays: PostgreSQL binds and executes one statement instead of one per
    /// profile. A statement cannot write a row twice, so each profile is written once, in id order, with the effect of
    /// applying its rows one by one: when rows replace, the last with the first one's creation time (an upsert keeps
    /// it), else the first.
    /// </summary>
    internal override IEnumerable<Statement> ProfileWrites(IReadOnlyList<ProfileRow> rows, bool replace)
    {
        if (rows.Count == 0) return [];
        var latest = new SortedDictionary<string, ProfileRow>(StringComparer.Ordinal);
        foreach (var row in rows)
            if (!replace) latest.TryAdd(row.Id, row);
            else latest[row.Id] = latest.TryGetValue(row.Id, out var first) ? row with { CreatedAt = first.CreatedAt } : row;
        var written = latest.Values;
        return Fenced(new($"""
            INSERT INTO profiles ({ProfileColumns.Sql})
            SELECT id, created, updated, merged, traits::jsonb, times::jsonb, computed::jsonb, consent::jsonb, tags::jsonb
            FROM unnest(@ids, @created, @updated, @merged, @traits, @times, @computed, @consent, @tags)
                AS x(id, created, updated, merged, traits, times, computed, consent, tags)
            WHERE {NotErased("x.id")}
            {(replace ? ProfileReplaceSql : "ON CONFLICT (id) DO NOTHING")}
            """,
            ("ids", written.Select(r => r.Id).ToArray()), ("created", written.Select(r => r.CreatedAt).ToArray()),
            ("updated", written.Select(r => r.UpdatedAt).ToArray()), ("merged", written.Select(r => r.MergedInto).ToArray()),
            ("traits", written.Select(r => r.Traits).ToArray()), ("times", written.Select(r => r.TraitTimes).ToArray()),
            ("computed", written.Select(r => r.Computed).ToArray()), ("consent", written.Select(r => r.Consent).ToArray()),
            ("tags", written.Select(r => r.Tags).ToArray())));
    }

    /// <summary>
    /// A commit's identity links as one statement of arrays, with the effect of applying them one by one: an identity
    /// linked twice keeps its first sighting (and ciphertext) and ends on its last link's profile.
    /// </summary>
    internal override IEnumerable<Statement> IdentityLinkWrites(IReadOnlyList<IdentityLinkRow> links)
    {
        if (links.Count == 0) return [];
        var merged = new Dictionary<(string, string), IdentityLinkRow>(links.Count);
        foreach (var link in links)
            merged[(link.Type, link.Value)] = merged.TryGetValue((link.Type, link.Value), out var first) ? first with { ProfileId = link.ProfileId } : link;
        var written = merged.Values;
        return Fenced(new($"""
            INSERT INTO identities (type, value, value_enc, profile_id, first_seen)
            SELECT * FROM unnest(@types, @values, @sealed, @profiles, @seen) AS x(type, value, value_enc, profile_id, first_seen)
            WHERE {NotErased("x.profile_id")}
            ON CONFLICT (type, value) DO UPDATE SET profile_id = excluded.profile_id
            """,
            ("types", written.Select(l => l.Type).ToArray()), ("values", written.Select(l => l.Value).ToArray()),
            ("sealed", written.Select(l => l.Sealed).ToArray()), ("profiles", written.Select(l => l.ProfileId).ToArray()),
            ("seen", written.Select(l => l.FirstSeen).ToArray())));
    }

    /// <summary>A commit's trait history as one statement of arrays; WITH ORDINALITY keeps the rows' ids in the changes' order.</summary>
    internal override IEnumerable<Statement> TraitChangeWrites(IReadOnlyList<TraitChangeRow> changes)
    {
        if (changes.Count == 0) return [];
        return Fenced(new($"""
            INSERT INTO trait_history (profile_id, name, value, ts, source, message_id, seq)
            SELECT profile_id, name, value::jsonb, ts, '', '', seq
            FROM unnest(@profiles, @names, @values, @ts, @seqs) WITH ORDINALITY AS x(profile_id, name, value, ts, seq, n)
            WHERE {NotErased("x.profile_id")}
            ORDER BY n
            """,
            ("profiles", changes.Select(h => h.ProfileId).ToArray()), ("names", changes.Select(h => h.Name).ToArray()),
            ("values", changes.Select(h => h.Value).ToArray()), ("ts", changes.Select(h => h.At).ToArray()),
            ("seqs", changes.Select(h => h.Sequence).ToArray())));
    }

    internal override async ValueTask<DbConnection> OpenReadAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    internal override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct, bool background = false)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(ct);
        return result;
    }

    public override async Task MigrateAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        // Nodes starting together must not run the same migration twice.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await Db.ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AppendLockKey + 1));
        try
        {
            await base.MigrateAsync(time, cancellationToken);
        }
        finally
        {
            await Db.ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@key)", cancellationToken, ("key", AppendLockKey + 1));
        }
    }

    internal override async Task<bool[]> InsertEventsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<TailorEvent> events, object? encoded, CancellationToken ct)
    {
        var n = events.Count;
        var messageIds = new string[n];
        var sources = new string[n];
        var types = new string[n];
        var names = new string?[n];
        var users = new string?[n];
        var anonymous = new string?[n];
        var timestamps = new long[n];
        var received = new long[n];
        var payloads = new string[n];
        for (var i = 0; i < n; i++)
        {
            var e = events[i];
            (messageIds[i], sources[i], types[i], names[i], users[i], anonymous[i]) = (e.MessageId, e.SourceId, e.Type.ToWire(), e.Name, e.UserId, e.AnonymousId);
            (timestamps[i], received[i], payloads[i]) = (Db.Ms(e.Timestamp), Db.Ms(e.ReceivedAt), e.Payload);
        }
        // The append lock is taken by the INSERT itself, once PostgreSQL holds the whole batch: taken by a statement of
        // its own before, it was also held while this process built the arrays and sent them (issue 17, target 6: one
        // sample in three of the appends found the holder waiting for its own data).
        await using var command = new NpgsqlCommand("""
            WITH ordered AS (SELECT pg_advisory_xact_lock(@key))
            INSERT INTO event_log (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload)
            SELECT m, s, t, n, u, a, ts, r, p::json
            FROM ordered, unnest(@m, @s, @t, @n, @u, @a, @ts, @r, @p) WITH ORDINALITY AS x(m, s, t, n, u, a, ts, r, p, ord)
            ORDER BY ord
            ON CONFLICT (source_id, message_id) DO NOTHING RETURNING source_id, message_id
            """, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.Add(new NpgsqlParameter<long>("key", AppendLockKey));
        command.Parameters.Add(new NpgsqlParameter<string[]>("m", messageIds));
        command.Parameters.Add(new NpgsqlParameter<string[]>("s", sources));
        command.Parameters.Add(new NpgsqlParameter<string[]>("t", types));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("n", names));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("u", users));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("a", anonymous));
        command.Parameters.Add(new NpgsqlParameter<long[]>("ts", timestamps));
        command.Parameters.Add(new NpgsqlParameter<long[]>("r", received));
        command.Parameters.Add(new NpgsqlParameter<string[]>("p", payloads) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        var inserted = new HashSet<(string Source, string MessageId)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) inserted.Add((reader.GetString(0), reader.GetString(1)));

        var stored = new bool[n];
        for (var i = 0; i < n; i++) stored[i] = inserted.Remove((sources[i], messageIds[i])); // first occurrence in the batch wins
        return stored;
    }

    internal override async Task ExecuteAllAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements, CancellationToken ct)
    {
        for (var start = 0; start < statements.Count; start += MaxCommandsPerRoundTrip)
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            var end = Math.Min(statements.Count, start + MaxCommandsPerRoundTrip);
            for (var i = start; i < end; i++)
            {
                var command = new NpgsqlBatchCommand(statements[i].Sql);
                foreach (var (name, value) in statements[i].Parameters)
                    command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    internal override async Task<IReadOnlySet<string>> OwnerIdsAsync(DbConnection c, IReadOnlyCollection<ProfileIdentifier> identities, CancellationToken ct)
    {
        // One round trip for the whole batch instead of one per identity.
        var types = new string[identities.Count];
        var values = new string[identities.Count];
        var i = 0;
        foreach (var identity in identities) (types[i], values[i++]) = (identity.Type, identity.Value);
        await using var command = new NpgsqlCommand("""
            SELECT DISTINCT i.profile_id FROM identities i
            JOIN unnest(@types, @values) AS q(type, value) ON i.type = q.type AND i.value = q.value
            """, (NpgsqlConnection)c);
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
        command.Parameters.Add(new NpgsqlParameter<string[]>("values", values));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}
