using Tailor.Core.Storage;
using Tailor.Storage.Sqlite;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>The storage contract on SQLite: a new database file per test, deleted afterwards.</summary>
public partial class SqliteStoreTests : StoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tailor-test-{Guid.NewGuid():N}");

    private string DatabasePath => TailorStores.SqlitePath(_directory);

    protected override Task<TailorDatabase> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult(TailorDatabase.Sqlite(DatabasePath, TimeProvider.System, Protection));

    protected override TailorDatabase OpenSameStore(Tailor.Core.Privacy.PersonalDataProtection? protection) => TailorDatabase.Sqlite(DatabasePath, TimeProvider.System, protection);

    protected override async Task<System.Data.Common.DbConnection?> OpenRawAsync()
    {
        var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await raw.OpenAsync(Ct);
        return raw;
    }

    protected override string? DecodePayload(byte[] stored)
    {
        using var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        raw.Open();
        SqliteDatabase.RegisterFunctions(raw);
        using var command = raw.CreateCommand();
        command.CommandText = "SELECT tailor_payload(@b)";
        command.Parameters.AddWithValue("@b", stored);
        try { return command.ExecuteScalar() as string; }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException) { return null; } // not a payload (a chart, a model)
    }

    protected override string? DataDirectory => _directory;

    protected override ValueTask DeleteStoreAsync()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_log_row_is_written_once_with_a_compact_payload_and_the_profile_goes_to_a_narrow_table()
    {
        var order = Parse("""{"type":"track","event":"Order Completed","userId":"u1","anonymousId":"anon-1","properties":{"order_id":"o-1","revenue":59.9,"currency":"USD","products":[{"product_id":"p-1","price":59.9,"quantity":1}]},"context":{"library":{"name":"analytics.js","version":"next-1.0.0"},"page":{"path":"/checkout","url":"https://shop.example.com/checkout"},"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36","locale":"en-US"}}""", At(1));
        await IngestAsync(order);

        await using var raw = await OpenFileAsync();
        Task<object?> Scalar(string sql) => ScalarAsync(raw, sql);
        Assert.Equal("blob", await Scalar("SELECT typeof(payload) FROM event_log"));
        var stored = Convert.ToInt64(await Scalar("SELECT length(payload) FROM event_log"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stored * 2 < System.Text.Encoding.UTF8.GetByteCount(order.Payload), $"{stored} bytes stored for {order.Payload.Length}");
        Assert.Equal(0L, await Scalar("SELECT COUNT(*) FROM pragma_table_info('event_log') WHERE name = 'profile_id'"));
        Assert.Equal((await ProfileOfAsync(User("u1"))).Id, await Scalar("SELECT profile_id FROM event_profiles"));

        // A tool reading the file itself registers the decoder, and sees the message as sent through the view.
        SqliteDatabase.RegisterFunctions(raw);
        Assert.Equal(order.Payload, await Scalar("SELECT payload FROM events"));
    }

    [Fact]
    public async Task Rows_planted_through_the_events_view_with_text_payloads_read_back_beside_compact_ones()
    {
        await Store.Events.AppendAsync([Track("A", At(1), "u1")], Ct);
        await using (var raw = await OpenFileAsync()) // the view's definition names tailor_payload
        {
            await using var insert = raw.CreateCommand();
            insert.CommandText = """
                INSERT INTO events (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, profile_id)
                VALUES ('m-old', 'src', 'track', 'B', 'u1', NULL, 2, 2, '{"type":"track","event":"B","userId":"u1"}', 'prof-x')
                """;
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var all = await Store.Events.ReadAfterAsync(0, 10, Ct);

        Assert.Equal(["A", "B"], all.Select(e => e.Event.Name));
        Assert.Equal("""{"type":"track","event":"B","userId":"u1"}""", all[1].Event.Payload);
    }

    [Fact]
    public async Task Opening_through_TailorStores_creates_and_migrates_the_database_file()
    {
        await using var store = await TailorStores.OpenAsync(_directory, null, Ct);

        Assert.Equal("sqlite", store.Kind);
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal((bool[])[true], await store.Events.AppendAsync([Tailor.Tests.Support.Messages.Identify(Tailor.Tests.Support.Messages.At(1), "u1")], Ct));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_directory_and_database_files_are_private_to_the_owner()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        await using (var store = await TailorStores.OpenAsync(_directory, null, Ct))
        {
            await store.Events.AppendAsync([Tailor.Tests.Support.Messages.Identify(Tailor.Tests.Support.Messages.At(1), "u1")], Ct); // the WAL is written

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
            foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
            {
                Assert.True(File.Exists(file), $"{file} exists while the store is open");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_database_left_readable_by_an_older_install_is_made_private_on_open()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        await (await TailorStores.OpenAsync(_directory, null, Ct)).DisposeAsync();
        File.SetUnixFileMode(DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var store = await TailorStores.OpenAsync(_directory, null, Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
    }

    /// <summary>A plain connection to the test's database file, with the SQL functions the store registers on its own.</summary>
    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenFileAsync()
    {
        var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await raw.OpenAsync(Ct);
        SqliteDatabase.RegisterFunctions(raw);
        return raw;
    }

    private static async Task<object?> ScalarAsync(Microsoft.Data.Sqlite.SqliteConnection raw, string sql)
    {
        await using var command = raw.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task The_log_dedupes_by_a_64_bit_FNV_1a_key_of_the_source_and_messageId()
    {
        var e = Track("A", At(1), "u1", messageId: "m-1");
        await Store.Events.AppendAsync([e], Ct);
        await using var raw = await OpenFileAsync();
        Task<object?> Scalar(string sql) => ScalarAsync(raw, sql);

        // Expected values from a reference FNV-1a 64 in Python over (source + "\0" + messageId).encode("utf-16-le"),
        // signed; the same function gives the published vectors 0xaf63dc4c8601ec8c for b"a", 0x85944171f73967e8 for b"foobar".
        Assert.Equal(655404203793533279L, await Scalar("SELECT tailor_dedupe_key('src_test', 'm-1')"));
        Assert.Equal(-8802362787932884668L, await Scalar("SELECT tailor_dedupe_key('src_web', 'f3575889ffb34537974ce90f7d2ab578')"));
        Assert.Equal(590684067820433389L, await Scalar("SELECT tailor_dedupe_key('', '')"));
        Assert.Equal(655404203793533279L, await Scalar("SELECT dedupe FROM event_log WHERE message_id = 'm-1'"));
        // The unique index on (source_id, message_id) is gone; the key's plain index replaces it.
        Assert.Equal(0L, await Scalar("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'event_log' AND name LIKE 'sqlite_autoindex%'"));
        Assert.Equal(1L, await Scalar("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = 'event_log_by_dedupe'"));
    }

    [Fact]
    public async Task A_message_whose_dedupe_key_another_message_holds_is_still_stored_and_then_deduplicated()
    {
        await Store.Events.AppendAsync([Track("A", At(1), "u1", messageId: "m-1")], Ct);
        await using (var raw = await OpenFileAsync())
        {
            await using var plant = raw.CreateCommand();
            // A collision made by hand (a real one is a 1 in 2^64 chance per pair): another message holding m-2's key.
            plant.CommandText = """
                INSERT INTO event_log (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, dedupe)
                VALUES ('m-planted', 'src_test', 'track', 'P', 'u1', NULL, 2, 2, '{"type":"track","event":"P","userId":"u1"}', tailor_dedupe_key('src_test', 'm-2'))
                """;
            await plant.ExecuteNonQueryAsync(Ct);
        }

        var second = Track("B", At(3), "u1", messageId: "m-2");
        Assert.Equal((bool[])[true], await Store.Events.AppendAsync([second], Ct));
        Assert.Equal((bool[])[false, false], await Store.Events.AppendAsync([second, Track("A", At(1), "u1", messageId: "m-1")], Ct));

        Assert.Equal(["m-1", "m-planted", "m-2"], (await Store.Events.ReadAfterAsync(0, 10, Ct)).Select(l => l.Event.MessageId));
    }

    [Theory]
    [InlineData("""{"messageId":"m-2a","type":"track","event":"Order Completed","userId":"u1","anonymousId":"anon-1","properties":{"userId":"u1","title":"Order Completed"}}""")]
    [InlineData("""{"properties":{"revenue":3},"type":"track","anonymousId":"anon-1","userId":"u1","event":"Order Completed","messageId":"m-2a"}""")]
    [InlineData("""{"type": "track", "event":"Order Completed" ,"userId":"u1","messageId":"m-2a","userId":"u1"}""")]
    [InlineData("""{"messageId":"m-2a","type":"track","event":"Order \u0043ompleted","userId":"u1","context":{"traits":{"nickname":"Zoë \"Z\""}}}""")]
    [InlineData("""{"messageId":"m-2a","type":"track","event":"Order Completed","userId":"u1"}""")]
    public async Task Format_2_payloads_leave_out_the_envelope_fields_the_row_holds_and_read_back_byte_for_byte(string json)
    {
        // No protected field (docs/security.md) in these messages: the raw view and tailor_payload see what was sent.
        var e = Parse(json, At(1));
        await IngestAsync(e);
        await using var raw = await OpenFileAsync();
        Task<object?> Scalar(string sql) => ScalarAsync(raw, sql);

        var stored = (byte[])(await Scalar("SELECT payload FROM event_log"))!;
        Assert.Equal(2, stored[0]);
        Assert.Equal(e.Payload, (await Store.Events.ReadAfterAsync(0, 10, Ct)).Single().Event.Payload);
        Assert.Equal(e.Payload, await Scalar("SELECT payload FROM events"));
        Assert.Equal(e.Payload, (await Store.Events.ProfileEventsAsync(new EventQuery((await ProfileOfAsync(User("u1"))).Id), Ct)).Single().Event.Payload);
        // Without the columns, the message comes back without the envelope fields left to them: properties and context whole.
        var partial = System.Text.Json.JsonDocument.Parse((string)(await Scalar("SELECT tailor_payload(payload) FROM event_log"))!).RootElement;
        Assert.False(partial.TryGetProperty("messageId", out _) && partial.TryGetProperty("event", out _) && partial.TryGetProperty("userId", out _));
        using var whole = System.Text.Json.JsonDocument.Parse(e.Payload);
        foreach (var kept in new[] { "properties", "context" })
            if (whole.RootElement.TryGetProperty(kept, out var value)) Assert.Equal(value.GetRawText(), partial.GetProperty(kept).GetRawText());
    }

    [Theory]
    [InlineData("2025-03-01T12:00:00.123Z", null, true)]
    [InlineData("2025-03-01T12:00:00.123Z", "2025-03-01T12:00:07.001Z", true)]  // ts corrected by sentAt: the difference is kept
    [InlineData("2025-03-01T12:00:00.123Z", "1999-01-01T00:00:00.000Z", true)]  // a clock decades off
    [InlineData("2025-03-01T12:00:00Z", null, false)]           // no milliseconds: not the one form left out
    [InlineData("2025-03-01T12:00:00.123+00:00", null, false)]
    [InlineData("2025-03-01T12:00:00.1234Z", null, false)]      // finer than milliseconds
    [InlineData("2025-03-01T13:00:00.123+01:00", null, false)]  // the same moment in another offset
    public async Task A_timestamp_in_the_form_analytics_js_sends_is_left_out_and_every_reader_gets_the_message_byte_for_byte(string timestamp, string? sentAt, bool leftOut)
    {
        var sent = sentAt is null ? "" : $$$""","sentAt":"{{{sentAt}}}" """.TrimEnd();
        var e = Parse($$$"""{"messageId":"m-ts","type":"track","event":"Order Completed","userId":"u1","timestamp":"{{{timestamp}}}"{{{sent}}},"properties":{"revenue":3}}""", At(1));
        if (sentAt is not null) Assert.NotEqual(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), e.Timestamp);
        await IngestAsync(e);
        await using var raw = await OpenFileAsync();

        var partial = System.Text.Json.JsonDocument.Parse((string)(await ScalarAsync(raw, "SELECT tailor_payload(payload) FROM event_log"))!).RootElement;
        Assert.Equal(leftOut, !partial.TryGetProperty("timestamp", out _));
        Assert.Equal(e.Payload, (await Store.Events.ReadAfterAsync(0, 10, Ct)).Single().Event.Payload);
        Assert.Equal(e.Payload, await ScalarAsync(raw, "SELECT payload FROM events"));
        Assert.Equal(e.Payload, (await Store.Events.ProfileEventsAsync(new EventQuery((await ProfileOfAsync(User("u1"))).Id), Ct)).Single().Event.Payload);
    }

    [Fact]
    public async Task A_left_out_timestamp_that_cannot_be_a_date_again_is_refused_as_damaged_data()
    {
        await IngestAsync(Parse("""{"messageId":"m-ts2","type":"track","event":"A","userId":"u1","timestamp":"9999-12-31T23:59:59.999Z","sentAt":"9999-12-31T23:59:58.000Z"}""", At(1)));
        await using var raw = await OpenFileAsync();
        await ScalarAsync(raw, $"UPDATE event_log SET ts = {long.MaxValue - 5}"); // ts plus the header's difference passes any date

        var refused = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => ScalarAsync(raw, "SELECT payload FROM events"));
        Assert.Contains("outside the years 0001–9999", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Format_2_leaves_out_exact_fields_only_so_a_payload_without_them_is_stored_whole()
    {
        var e = Parse("""{"type":"track","event":"A","userId":"u1","messageId":"m-2b"}""", At(1)) with { Name = "B" }; // a column that differs from the payload
        await Store.Events.AppendAsync([e], Ct);

        Assert.Equal(e.Payload, (await Store.Events.ReadAfterAsync(0, 10, Ct)).Single().Event.Payload);
    }

    [Fact]
    public async Task A_format_1_payload_written_before_format_2_still_reads_back()
    {
        // Written by PayloadCodec format 1 (zstd level 1 with the fixed dictionary, magic number kept) before format 2 existed.
        const string Format1 = "0128B52FFD2079B50100D07B6D2D666F726D617431222C6C64204576656E743970726F7D7D08005F6D8066DE636A1E60C87C305B5CD7AD3878167971A1876003";
        const string Json = """{"messageId":"m-format1","type":"track","event":"Old Event","userId":"u9","properties":{"plan":"pro","name":"Old Event"}}""";
        await Store.Events.AppendAsync([Track("A", At(1), "u1")], Ct);
        await using (var raw = await OpenFileAsync())
        {
            await using var plant = raw.CreateCommand();
            plant.CommandText = """
                INSERT INTO event_log (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, dedupe)
                VALUES ('m-format1', 'src_test', 'track', 'Old Event', 'u9', NULL, 2, 2, @payload, tailor_dedupe_key('src_test', 'm-format1'))
                """;
            plant.Parameters.AddWithValue("@payload", Convert.FromHexString(Format1));
            await plant.ExecuteNonQueryAsync(Ct);
            await using var view = raw.CreateCommand();
            view.CommandText = "SELECT payload FROM events WHERE message_id = 'm-format1'";
            Assert.Equal(Json, await view.ExecuteScalarAsync(Ct));
            view.CommandText = "SELECT tailor_payload(payload) FROM event_log WHERE message_id = 'm-format1'";
            Assert.Equal(Json, await view.ExecuteScalarAsync(Ct));
        }

        var all = await Store.Events.ReadAfterAsync(0, 10, Ct);

        Assert.Equal(Json, all[1].Event.Payload);
        Assert.Equal(2, ((byte[])(await ScalarAsync("SELECT payload FROM event_log WHERE seq = 1"))!)[0]); // new rows are format 2
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await raw.OpenAsync(Ct);
        await using var command = raw.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }
}
