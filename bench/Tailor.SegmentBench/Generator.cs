using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Tailor.SegmentBench;

/// <summary>One generated event, as the events table holds it.</summary>
internal readonly record struct GenEvent(string MessageId, string Type, string? Name, long Ts, string Payload);

/// <summary>One generated profile row plus its identities, with computed traits folded from its events.</summary>
internal sealed record GenProfile(string Id, string UserId, string AnonymousId, long CreatedAt, long UpdatedAt,
    string Traits, string TraitTimes, string Computed, List<GenEvent> Events);

/// <summary>
/// Builds N profiles with M events each, deterministic from a seed: events come in sessions of ~4 (1-5 minutes
/// apart) spread over the last 120 days; mix ~5% Order Completed (revenue, category), ~20% Product Viewed, ~8%
/// Product Added (category), ~55% page views, ~2% Newsletter Subscribed, the rest identify; the first event of every
/// profile is an identify with traits. Computed traits are folded exactly as ProfileReducer does.
/// </summary>
internal sealed class Generator(int eventsPerProfile, int seed, DateTimeOffset now)
{
    private static readonly string[] Categories = ["electronics", "shoes", "dresses", "shirts", "jackets", "bags", "accessories", "books"];
    private static readonly string[] Cities = ["New York", "London", "Paris", "Berlin", "Madrid", "Lisbon", "Dublin", "Oslo", "Vienna", "Prague"];
    private static readonly string[] LocationTypes = ["urban", "suburban", "rural"];
    private static readonly string[] Channels = ["email", "sms", "push"];
    public const string SourceId = "src_segbench";
    private readonly long _nowMs = now.ToUnixTimeMilliseconds();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public static string ProfileId(int i) => "prf_" + i.ToString("D8", CultureInfo.InvariantCulture);

    public GenProfile Profile(int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var userId = "u" + index.ToString("D8", CultureInfo.InvariantCulture);
        var anon = "anon-" + index.ToString("x8", CultureInfo.InvariantCulture);
        var city = random.Next(10) == 0 ? "New York" : Cities[random.Next(Cities.Length)];
        var locationType = LocationTypes[random.Next(LocationTypes.Length)];
        var channel = Channels[random.Next(Channels.Length)];
        var plan = random.Next(4) == 0 ? "pro" : "free";

        // Timestamps: sessions of ~4 events, a session start uniform over the last 120 days.
        var times = new long[eventsPerProfile];
        var window = 120L * 24 * 3600 * 1000;
        var i = 0;
        while (i < eventsPerProfile)
        {
            var start = _nowMs - (long)(random.NextDouble() * window);
            var len = 1 + random.Next(7);
            for (var k = 0; k < len && i < eventsPerProfile; k++, i++)
            {
                start += 60_000 + random.Next(240_000);
                times[i] = Math.Min(start, _nowMs - 1000);
            }
        }
        Array.Sort(times);

        var events = new List<GenEvent>(eventsPerProfile);
        long eventCount = 0, orderCount = 0;
        decimal revenue = 0;
        double engagement = 0;
        long? lastOrder = null, identifyAt = null;
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var e = 0; e < eventsPerProfile; e++)
        {
            var ts = times[e];
            var roll = e == 0 ? 99 : random.Next(100);
            var category = Categories[random.Next(Categories.Length)];
            var messageId = "m" + index.ToString("D8", CultureInfo.InvariantCulture) + "-" + e.ToString("D4", CultureInfo.InvariantCulture);
            string type, counted;
            string? name = null;
            decimal orderRevenue = 0;
            if (roll < 5) { type = "track"; name = counted = "Order Completed"; orderRevenue = 10m + random.Next(29000) / 100m; }
            else if (roll < 25) { type = "track"; name = counted = "Product Viewed"; }
            else if (roll < 33) { type = "track"; name = counted = "Product Added"; }
            else if (roll < 88) { type = "page"; counted = "Page Viewed"; }
            else if (roll < 90) { type = "track"; name = counted = "Newsletter Subscribed"; }
            else { type = "identify"; counted = "Identify"; identifyAt = ts; }

            var payload = Payload(messageId, type, name, userId, anon, ts, category, orderRevenue, random, city, locationType, channel, plan, index);
            events.Add(new GenEvent(messageId, type, name, ts, payload));
            eventCount++;
            counts[counted] = counts.GetValueOrDefault(counted) + 1;
            engagement += counted switch { "Page Viewed" => 1, "Order Completed" => 5, _ => 0 };
            if (counted == "Order Completed") { orderCount++; revenue += orderRevenue; lastOrder = ts; }
        }

        var traits = Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("email", $"user{index}@example.com");
            w.WriteString("location_type", locationType);
            w.WriteString("preferred_channel", channel);
            w.WriteString("plan", plan);
            w.WriteStartObject("address");
            w.WriteString("city", city);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var traitTimes = Json(w =>
        {
            w.WriteStartObject();
            foreach (var t in (string[])["email", "location_type", "preferred_channel", "plan", "address"]) w.WriteNumber(t, identifyAt!.Value);
            w.WriteEndObject();
        });
        var computed = Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("firstSeen", times[0]);
            w.WriteNumber("lastSeen", times[^1]);
            w.WriteNumber("eventCount", eventCount);
            w.WriteStartObject("eventCounts");
            foreach (var (n, c) in counts) w.WriteNumber(n, c);
            w.WriteEndObject();
            w.WriteNumber("orderCount", orderCount);
            w.WriteNumber("totalRevenue", revenue);
            if (lastOrder is { } lo) w.WriteNumber("lastOrderAt", lo); else w.WriteNull("lastOrderAt");
            w.WriteNumber("engagementScore", engagement);
            w.WriteEndObject();
        });
        return new GenProfile(ProfileId(index), userId, anon, times[0], times[^1], traits, traitTimes, computed, events);
    }

    private string Payload(string messageId, string type, string? name, string userId, string anon, long ts, string category, decimal revenue,
        Random random, string city, string locationType, string channel, string plan, int index) => Json(w =>
    {
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var path = random.Next(20) == 0 ? "/products/a" : "/products/sku-" + random.Next(5000).ToString(CultureInfo.InvariantCulture);
        w.WriteStartObject();
        w.WriteString("messageId", messageId);
        w.WriteString("type", type);
        if (name is not null) w.WriteString("event", name);
        w.WriteString("userId", userId);
        w.WriteString("anonymousId", anon);
        w.WriteString("timestamp", stamp);
        switch (type)
        {
            case "identify":
                w.WriteStartObject("traits");
                w.WriteString("email", $"user{index}@example.com");
                w.WriteString("location_type", locationType);
                w.WriteString("preferred_channel", channel);
                w.WriteString("plan", plan);
                w.WriteStartObject("address");
                w.WriteString("city", city);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case "page":
                w.WriteStartObject("properties");
                w.WriteString("path", path);
                w.WriteString("url", "https://shop.example.com" + path);
                w.WriteString("title", category + " | Example Shop");
                w.WriteString("category", category);
                w.WriteEndObject();
                break;
            default:
                w.WriteStartObject("properties");
                if (name == "Order Completed")
                {
                    w.WriteString("order_id", messageId);
                    w.WriteNumber("revenue", revenue);
                    w.WriteString("currency", "EUR");
                }
                else if (name != "Newsletter Subscribed")
                {
                    w.WriteString("product_id", "p-" + random.Next(5000).ToString(CultureInfo.InvariantCulture));
                    w.WriteNumber("price", 9.99m + random.Next(120));
                }
                w.WriteString("category", category);
                w.WriteEndObject();
                break;
        }
        w.WriteStartObject("context");
        w.WriteStartObject("page");
        w.WriteString("path", path);
        w.WriteEndObject();
        w.WriteStartObject("location");
        w.WriteString("city", city);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private string Json(Action<Utf8JsonWriter> write)
    {
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer)) write(w);
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    // ------------------------------------------------------------------ writers

    public static async Task WriteSqliteAsync(string path, int profiles, int eventsPerProfile, int seed, DateTimeOffset now, CancellationToken ct)
    {
        var gen = new Generator(eventsPerProfile, seed, now);
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path }.ToString());
        await c.OpenAsync(ct);
        Tailor.Storage.Sqlite.SqliteDatabase.RegisterFunctions(c); // events is a view that decodes payloads
        await Exec(c, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;", ct);
        await Exec(c, null, $"INSERT INTO sources (id, name, write_key, created_at) VALUES ('{SourceId}', 'segbench', 'wk_segbench_unused', {now.ToUnixTimeMilliseconds()}) ON CONFLICT DO NOTHING", ct);
        var sw = Stopwatch.StartNew();
        var tx = c.BeginTransaction();
        var ev = Prepare(c, tx, "INSERT INTO events (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, profile_id) VALUES ($m, $s, $t, $n, $u, $a, $ts, $r, $p, $pr)",
            "$m", "$s", "$t", "$n", "$u", "$a", "$ts", "$r", "$p", "$pr");
        var pr = Prepare(c, tx, "INSERT INTO profiles (id, created_at, updated_at, merged_into, traits, trait_times, computed, consent, tags) VALUES ($id, $c, $u, NULL, $t, $tt, $cp, '{}', '[]')",
            "$id", "$c", "$u", "$t", "$tt", "$cp");
        var id = Prepare(c, tx, "INSERT INTO identities (type, value, profile_id, first_seen) VALUES ($t, $v, $p, $f)", "$t", "$v", "$p", "$f");
        long rows = 0;
        for (var i = 0; i < profiles; i++)
        {
            var p = gen.Profile(i);
            foreach (var e in p.Events)
            {
                Set(ev, e.MessageId, SourceId, e.Type, e.Name, p.UserId, p.AnonymousId, e.Ts, e.Ts + 50, e.Payload, p.Id);
                await ev.ExecuteNonQueryAsync(ct);
            }
            Set(pr, p.Id, p.CreatedAt, p.UpdatedAt, p.Traits, p.TraitTimes, p.Computed);
            await pr.ExecuteNonQueryAsync(ct);
            Set(id, "userId", p.UserId, p.Id, p.CreatedAt); await id.ExecuteNonQueryAsync(ct);
            Set(id, "anonymousId", p.AnonymousId, p.Id, p.CreatedAt); await id.ExecuteNonQueryAsync(ct);
            rows += p.Events.Count;
            if ((i + 1) % 5000 == 0)
            {
                await tx.CommitAsync(ct);
                tx = c.BeginTransaction();
                ev.Transaction = pr.Transaction = id.Transaction = tx;
                if ((i + 1) % 50000 == 0) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1:N0} profiles, {rows:N0} events, {sw.Elapsed.TotalSeconds:F0} s"));
            }
        }
        await tx.CommitAsync(ct);
        await SetPositionsAsync(c, ct);
        await Exec(c, null, "PRAGMA wal_checkpoint(TRUNCATE);", ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SQLite: {profiles:N0} profiles, {rows:N0} events in {sw.Elapsed.TotalSeconds:F1} s"));
    }

    public static async Task WritePostgresAsync(string connectionString, int profiles, int eventsPerProfile, int seed, DateTimeOffset now, CancellationToken ct)
    {
        var gen = new Generator(eventsPerProfile, seed, now);
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync(ct);
        await Exec(c, null, $"INSERT INTO sources (id, name, write_key, created_at) VALUES ('{SourceId}', 'segbench', 'wk_segbench_unused', {now.ToUnixTimeMilliseconds()}) ON CONFLICT DO NOTHING", ct);
        var sw = Stopwatch.StartNew();
        long rows = 0;
        const int chunk = 20000;
        for (var from = 0; from < profiles; from += chunk)
        {
            var batch = Enumerable.Range(from, Math.Min(chunk, profiles - from)).Select(gen.Profile).ToList();
            await using (var w = await c.BeginBinaryImportAsync("COPY events (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload, profile_id) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var p in batch)
                    foreach (var e in p.Events)
                    {
                        await w.StartRowAsync(ct);
                        await w.WriteAsync(e.MessageId, ct); await w.WriteAsync(SourceId, ct); await w.WriteAsync(e.Type, ct);
                        if (e.Name is null) await w.WriteNullAsync(ct); else await w.WriteAsync(e.Name, ct);
                        await w.WriteAsync(p.UserId, ct); await w.WriteAsync(p.AnonymousId, ct);
                        await w.WriteAsync(e.Ts, NpgsqlDbType.Bigint, ct); await w.WriteAsync(e.Ts + 50, NpgsqlDbType.Bigint, ct);
                        await w.WriteAsync(e.Payload, NpgsqlDbType.Json, ct); await w.WriteAsync(p.Id, ct);
                        rows++;
                    }
                await w.CompleteAsync(ct);
            }
            await using (var w = await c.BeginBinaryImportAsync("COPY profiles (id, created_at, updated_at, traits, trait_times, computed, consent, tags) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var p in batch)
                {
                    await w.StartRowAsync(ct);
                    await w.WriteAsync(p.Id, ct); await w.WriteAsync(p.CreatedAt, NpgsqlDbType.Bigint, ct); await w.WriteAsync(p.UpdatedAt, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync(p.Traits, NpgsqlDbType.Jsonb, ct); await w.WriteAsync(p.TraitTimes, NpgsqlDbType.Jsonb, ct); await w.WriteAsync(p.Computed, NpgsqlDbType.Jsonb, ct);
                    await w.WriteAsync("{}", NpgsqlDbType.Jsonb, ct); await w.WriteAsync("[]", NpgsqlDbType.Jsonb, ct);
                }
                await w.CompleteAsync(ct);
            }
            await using (var w = await c.BeginBinaryImportAsync("COPY identities (type, value, profile_id, first_seen) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var p in batch)
                {
                    await w.WriteRowAsync(ct, "userId", p.UserId, p.Id, p.CreatedAt);
                    await w.WriteRowAsync(ct, "anonymousId", p.AnonymousId, p.Id, p.CreatedAt);
                }
                await w.CompleteAsync(ct);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {from + batch.Count:N0} profiles, {rows:N0} events, {sw.Elapsed.TotalSeconds:F0} s"));
        }
        await SetPositionsAsync(c, ct);
        await Exec(c, null, "ANALYZE", ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL: {profiles:N0} profiles, {rows:N0} events in {sw.Elapsed.TotalSeconds:F1} s (incl. ANALYZE)"));
    }

    /// <summary>Every event is already applied: both pipelines start at the end of the log.</summary>
    private static async Task SetPositionsAsync(System.Data.Common.DbConnection c, CancellationToken ct)
    {
        foreach (var name in (string[])["profiles", "segments"])
            await Exec(c, null, $"INSERT INTO pipeline_positions (name, position) SELECT '{name}', COALESCE(MAX(seq), 0) FROM events WHERE true ON CONFLICT (name) DO UPDATE SET position = excluded.position", ct);
    }

    internal static async Task Exec(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static SqliteCommand Prepare(SqliteConnection c, SqliteTransaction tx, string sql, params string[] names)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var n in names) cmd.Parameters.Add(new SqliteParameter(n, null));
        cmd.Prepare();
        return cmd;
    }

    private static void Set(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
