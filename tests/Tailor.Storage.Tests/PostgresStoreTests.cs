using Npgsql;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Storage.Postgres;
using Tailor.Storage.Relational;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// The storage contract on a real PostgreSQL server, named by <c>TAILOR_TEST_POSTGRES</c> (a connection string whose
/// user may create databases). Each test gets a database of its own, dropped afterwards. Without the variable the
/// tests are skipped, except on CI (<c>CI=true</c>), where they fail: CI must exercise PostgreSQL.
/// </summary>
public class PostgresStoreTests : StoreContractTests
{
    public const string ConnectionVariable = "TAILOR_TEST_POSTGRES";
    private string? _adminConnectionString;
    private string? _database;
    private string? _connectionString;

    protected override async Task<TailorDatabase> CreateStoreAsync(CancellationToken cancellationToken)
    {
        _adminConnectionString = AdminConnectionString();
        _database = $"tailor_test_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE \"{_database}\"", cancellationToken);
        _connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database }.ConnectionString;
        return TailorDatabase.Postgres(_connectionString, TimeProvider.System, Protection);
    }

    protected override TailorDatabase OpenSameStore(Tailor.Core.Privacy.PersonalDataProtection? protection) =>
        TailorDatabase.Postgres(_connectionString ?? throw new InvalidOperationException("No database yet."), TimeProvider.System, protection);

    protected override async ValueTask DeleteStoreAsync()
    {
        if (_database is null) return;
        NpgsqlConnection.ClearAllPools();
        // FORCE cannot end a backend of another role: an autovacuum worker that just started on the new database
        // refuses with 42501 (insufficient privilege) until it finishes, so try a few times; a database left behind
        // lives in the test run's own temporary server and is not worth failing a test that passed.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdminAsync($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", CancellationToken.None);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                if (attempt == 20) return;
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    protected override async Task<System.Data.Common.DbConnection?> OpenRawAsync()
    {
        var raw = new NpgsqlConnection(_connectionString);
        await raw.OpenAsync(Ct);
        return raw;
    }

    [Fact]
    public async Task Opening_through_TailorStores_uses_PostgreSQL_and_migrates()
    {
        await using var store = await TailorStores.OpenAsync(Path.GetTempPath(), _connectionString, Ct);

        Assert.Equal("postgres", store.Kind);
        Assert.Equal(0, await store.Events.LastSequenceAsync(Ct));
    }

    [Fact]
    public async Task A_statement_run_again_on_a_connection_is_prepared_unless_the_connection_string_says_otherwise()
    {
        const string sql = "SELECT count(*) FROM profiles WHERE merged_into IS NULL";
        var plain = new NpgsqlConnectionStringBuilder(_connectionString); // whatever the test server's string set
        plain.Remove("Max Auto Prepare");
        plain.Remove("Auto Prepare Min Usages");
        foreach (var (connectionString, prepared) in new[] { (plain.ConnectionString, 1L), (plain.ConnectionString + ";Max Auto Prepare=0", 0L) })
        {
            await using var db = new PostgresDatabase(connectionString);
            await using var c = await db.OpenReadAsync(Ct);
            for (var i = 0; i < 3; i++) await Tailor.Storage.Relational.Db.ScalarAsync(c, null, sql, Ct);
            Assert.Equal(prepared, await Tailor.Storage.Relational.Db.ScalarAsync(c, null, "SELECT count(*) FROM pg_prepared_statements WHERE statement = @sql", Ct, ("sql", sql)));
        }
        Assert.Equal(PostgresDatabase.MaxAutoPrepare, new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPreparedStatements("Host=h")).MaxAutoPrepare);
        Assert.Equal(8, new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPreparedStatements("Host=h;Max Auto Prepare=8")).MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPreparedStatements("Host=h;maxautoprepare=0")).MaxAutoPrepare);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPreparedStatements("Host=h;Auto Prepare Min Usages=7")).AutoPrepareMinUsages);
    }

    /// <summary>
    /// A fold commit rewrites every profile it changed. No index covers traits or tags (migration 0045), so a change of
    /// them leaves the indexes alone and PostgreSQL updates the row on its page (HOT) when there is room.
    /// </summary>
    [Fact]
    public async Task A_change_of_a_profiles_traits_and_tags_is_an_update_in_place()
    {
        await using var raw = (NpgsqlConnection)(await OpenRawAsync())!;
        await using var transaction = await raw.BeginTransactionAsync(Ct);
        async Task<object?> Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, raw, transaction);
            return await command.ExecuteScalarAsync(Ct);
        }
        await Run("""INSERT INTO profiles (id, created_at, updated_at, traits, trait_times, computed, consent, tags) VALUES ('prf_1a', 1, 1, '{"plan":"free"}', '{}', '{}', '{}', '[]')""");
        await Run("""UPDATE profiles SET updated_at = 2, traits = '{"plan":"pro","city":"Oslo"}', tags = '["vip"]' WHERE id = 'prf_1a'""");

        Assert.Equal(1L, await Run("SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'profiles'"));
    }

    /// <summary>
    /// An event's assignment carries its type, name and time (migration 0048: snapshots match names and windows on them
    /// in the profile index), whoever writes it: the fold, a writer through the <c>events</c> view, or a plain insert.
    /// </summary>
    [Fact]
    public async Task Every_event_assignment_carries_its_events_type_name_and_time()
    {
        await IngestAsync(Track("Order Completed", At(1), "carrier-1"), Page(At(2), anonymousId: "carrier-anon", name: "Home"));
        await Store.Events.AppendAsync([Track("Product Viewed", At(3), "carrier-2")], Ct);
        await using var raw = (NpgsqlConnection)(await OpenRawAsync())!;
        async Task<object?> Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, raw);
            return await command.ExecuteScalarAsync(Ct);
        }
        // Product Viewed, assigned by a plain insert; and a row planted through the view.
        await Run("INSERT INTO event_profiles (seq, profile_id) SELECT seq, 'prf_plain' FROM event_log WHERE name = 'Product Viewed'");
        await Run("INSERT INTO events (message_id, source_id, type, name, user_id, ts, received_at, payload, profile_id) VALUES ('m-view', 'src_1', 'track', 'Signed Up', 'u-view', 4, 4, '{}', 'prf_view')");

        Assert.Equal(4L, await Run("SELECT count(*) FROM event_profiles WHERE ts IS NOT NULL"));
        Assert.Equal(0L, await Run("""
            SELECT count(*) FROM event_log l FULL JOIN event_profiles p ON p.seq = l.seq
            WHERE p.type IS DISTINCT FROM l.type OR p.name IS DISTINCT FROM l.name OR p.ts IS DISTINCT FROM l.ts
            """));
    }

    /// <summary>
    /// The fold's and the segment engine's bulk statements keep rows of erased profiles out themselves, and the erasure
    /// fence's row guard stands aside only while one of them runs (migrations 0046, 0047): inside the fence a plain write for an erased profile goes
    /// through, after it the same write meets the guard again.
    /// </summary>
    [Fact]
    public async Task The_erasure_guard_stands_aside_only_for_the_length_of_a_fenced_statement()
    {
        await using var db = new PostgresDatabase(_connectionString!);
        var (inside, after, setting, rows) = await db.WriteAsync(async (c, t) =>
        {
            await Db.ExecuteAsync(c, t, "INSERT INTO erased_profiles (id, erased_at) VALUES ('prf_gone', 1)", Ct);
            // A plain row for the erased profile in each table whose guard stands aside: rows written.
            async Task<long> PlainWritesAsync(long seq) =>
                await Db.ExecuteAsync(c, t, "INSERT INTO trait_history (profile_id, name, value, ts, source, message_id, seq) VALUES ('prf_gone', 'plan', '\"pro\"', 2, '', '', @seq)", Ct, ("seq", seq))
                + await Db.ExecuteAsync(c, t, "INSERT INTO segment_members (segment_id, profile_id, since) VALUES ('seg-plain', 'prf_gone', 2)", Ct)
                + await Db.ExecuteAsync(c, t, "INSERT INTO segment_history (segment_id, profile_id, entered, at) VALUES ('seg-plain', 'prf_gone', true, 2)", Ct)
                + await Db.ExecuteAsync(c, t, "INSERT INTO segment_timers (segment_id, profile_id, due_at) VALUES ('seg-plain', 'prf_gone', 2)", Ct);
            await Db.ExecuteAsync(c, t, "SELECT set_config('tailor.fenced', 'on', true)", Ct);
            var inside = await PlainWritesAsync(90);
            await Db.ExecuteAsync(c, t, """
                DELETE FROM trait_history WHERE seq = 90; DELETE FROM segment_members WHERE segment_id = 'seg-plain';
                DELETE FROM segment_history WHERE segment_id = 'seg-plain'; DELETE FROM segment_timers WHERE segment_id = 'seg-plain';
                SELECT set_config('tailor.fenced', '', true)
                """, Ct);

            string[] both = ["prf_gone", "prf_live"];
            await db.ExecuteAllAsync(c, t, [
                .. db.ProfileWrites([.. both.Select(id => new ProfileRow(id, 1, 1, null, "{}", "{}", "{}", "{}", "[]"))], replace: true),
                .. db.IdentityLinkWrites([.. both.Select(id => new IdentityLinkRow("userId", "u-" + id, null, id, 1))]),
                .. db.AssignmentWrites([.. both.Select((id, i) => new EventAssignment(i + 1, id))]),
                .. db.TraitChangeWrites([.. both.Select((id, i) => new TraitChangeRow(id, "city", "\"Oslo\"", 1, i + 1))]),
                .. db.MembershipWrites([.. both.Select(id => new MembershipChange("seg-a", id, true, DateTimeOffset.FromUnixTimeMilliseconds(1)))],
                    [.. both.Select(id => new SegmentTimer("seg-a", id, DateTimeOffset.FromUnixTimeMilliseconds(9)))])], Ct);
            var after = await PlainWritesAsync(91);
            var setting = (string?)await Db.ScalarAsync(c, t, "SELECT current_setting('tailor.fenced', true)", Ct);
            var rows = await Db.ListAsync(c, t, """
                SELECT 'profiles:' || id FROM profiles UNION ALL SELECT 'identities:' || profile_id FROM identities
                UNION ALL SELECT 'event_profiles:' || profile_id FROM event_profiles UNION ALL SELECT 'trait_history:' || profile_id FROM trait_history
                UNION ALL SELECT 'segment_members:' || profile_id FROM segment_members UNION ALL SELECT 'segment_history:' || profile_id FROM segment_history
                UNION ALL SELECT 'segment_timers:' || profile_id FROM segment_timers
                """, r => r.GetString(0), Ct);
            return (inside, after, setting, rows);
        }, Ct);

        Assert.Equal((4L, 0L), (inside, after));
        Assert.NotEqual("on", setting);
        Assert.Equal(["event_profiles:prf_live", "identities:prf_live", "profiles:prf_live", "segment_history:prf_live", "segment_members:prf_live",
            "segment_timers:prf_live", "trait_history:prf_live"], rows.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A fenced statement reads <c>erased_profiles</c> once, as of after it got its table locks: one that waited for an
    /// erasure's locks sees the erasure's entry, as the per-row guard did, and writes nothing of that profile.
    /// </summary>
    [Fact]
    public async Task A_fenced_statement_that_waited_for_an_erasure_sees_what_it_erased()
    {
        await using var db = new PostgresDatabase(_connectionString!);
        await using var erasure = new NpgsqlConnection(_connectionString);
        await erasure.OpenAsync(Ct);
        await using var erasing = await erasure.BeginTransactionAsync(Ct);
        await Db.ExecuteAsync(erasure, erasing, $"LOCK TABLE {string.Join(", ", Tailor.Storage.Privacy.SqlPrivacyStore.GuardedTables)} IN SHARE ROW EXCLUSIVE MODE", Ct);
        await Db.ExecuteAsync(erasure, erasing, "INSERT INTO erased_profiles (id, erased_at) VALUES ('prf_gone', 1)", Ct);

        var write = db.WriteAsync(async (c, t) =>
        {
            await db.ExecuteAllAsync(c, t, [.. db.TraitChangeWrites([new TraitChangeRow("prf_gone", "city", "\"Vardø\"", 1, 1)])], Ct);
            return 0;
        }, Ct);
        // The write waits for the erasure's lock (a real transaction on another connection).
        for (var polls = 0; await Db.ScalarAsync(erasure, erasing, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE NOT l.granted AND d.datname = current_database()", Ct) is 0L; polls++)
        {
            Assert.True(polls < 500 && !write.IsCompleted, "the fenced write did not wait for the erasure's lock");
            await Task.Delay(10, Ct);
        }
        await erasing.CommitAsync(Ct);
        await write;

        Assert.Equal(0L, await Db.ScalarAsync(erasure, null, "SELECT count(*) FROM trait_history", Ct));
    }

    /// <summary>
    /// The trigger engine follows membership history by id: a writer must wait while another (another node) holds the
    /// history lock, so ids become visible in commit order.
    /// </summary>
    [Fact]
    public async Task Membership_history_waits_for_another_writer_so_ids_commit_in_order()
    {
        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await TakeLockAsync(transaction, PostgresDatabase.SegmentHistoryLockKey);

        var write = Store.Segments.ApplyMembershipAsync(new MembershipUpdate([new MembershipChange("seg-a", "prf-a", true, DateTimeOffset.UtcNow)], []), Ct);
        await Task.Delay(300, Ct); // real time: the other writer is a real transaction
        Assert.False(write.IsCompleted);

        await transaction.CommitAsync(Ct);
        await write;
        Assert.Single(await Store.Segments.MembershipHistoryAsync("prf-a", "seg-a", 10, Ct));
    }

    /// <summary>
    /// The profile pipeline reads "everything after position N": an append must not commit while another append that
    /// took a lower sequence is still under way, or a reader could move past that sequence before it is visible.
    /// </summary>
    [Fact]
    public async Task An_append_waits_for_another_append_under_way_so_sequences_become_visible_in_order()
    {
        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await TakeLockAsync(transaction, PostgresDatabase.AppendLockKey);
        long firstSeq;
        await using (var first = new NpgsqlCommand("""
            INSERT INTO event_log (message_id, source_id, type, name, ts, received_at, payload) VALUES ('m-first', 'src_test', 'track', 'First', 1, 1, '{}') RETURNING seq
            """, other, transaction))
            firstSeq = Convert.ToInt64(await first.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);

        var append = Store.Events.AppendAsync([Track("Second", At(2), "u1")], Ct);
        // This database's append lock (an advisory lock on one bigint key: its high and low 32 bits), waited for.
        await WaitUntilAsync($"""
            SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid::bigint = {PostgresDatabase.AppendLockKey >> 32} AND objid::bigint = {PostgresDatabase.AppendLockKey & 0xFFFFFFFF}
            """);
        Assert.False(append.IsCompleted);
        Assert.Equal(0, await Store.Events.LastSequenceAsync(Ct)); // nothing visible yet
        Assert.Equal(firstSeq, await ScalarAsync("SELECT pg_sequence_last_value(pg_get_serial_sequence('event_log', 'seq'))")); // no sequence taken while waiting

        await transaction.CommitAsync(Ct);
        await append;
        var logged = await Store.Events.ReadSealedAfterAsync(0, 10, Ct);
        Assert.Equal(["m-first", logged[1].Event.MessageId], logged.Select(l => l.Event.MessageId));
        Assert.True(logged[0].Sequence < logged[1].Sequence);
    }

    /// <summary>Takes advisory lock <paramref name="key"/> in <paramref name="transaction"/>, as another node's writer would.</summary>
    private async Task TakeLockAsync(NpgsqlTransaction transaction, long key)
    {
        await using var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", transaction.Connection, transaction);
        take.Parameters.AddWithValue("key", key);
        await take.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Polls <paramref name="countSql"/> (a count) until it is above zero: another backend's state, not a timer.</summary>
    private async Task WaitUntilAsync(string countSql)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            if (await ScalarAsync(countSql) > 0) return;
            await Task.Delay(20, Ct);
        }
        Assert.Fail($"never true: {countSql}");
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var probe = new NpgsqlConnection(_connectionString);
        await probe.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, probe);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string AdminConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"{ConnectionVariable} is not set: on CI the PostgreSQL contract tests must run (scripts/test.sh starts a server and sets it).");
        Assert.Skip($"PostgreSQL tests skipped: set {ConnectionVariable} to a connection string of a user allowed to create databases (scripts/test.sh does).");
        return ""; // not reached
    }

    private async Task AdminAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
