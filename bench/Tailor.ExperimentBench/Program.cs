using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tailor.Core.Experiments;
using Tailor.Storage;

// Experiment results at scale (issue 12: 10,000,000 exposure events and 3 metrics in at most 5 s).
// Loads UNITS profiles, each with EXPOSURES "Experiment Viewed" events (UNITS x EXPOSURES exposure events in the log)
// and its first exposure, a fifth of them with 1-3 "Order Completed" events (revenue) after it and some before it;
// then times the per-arm sums of 3 metrics (conversion, revenue per user, revenue per order) plus the unit counts,
// median of 3 runs.
//   tailor-expbench [--units 1000000] [--exposures 10] [--postgres CONNECTION] [--data DIR]
var units = Arg("--units", 1_000_000);
var exposures = Arg("--exposures", 10);
var postgres = Value("--postgres");
var data = Value("--data") ?? Path.Combine(Path.GetTempPath(), $"tailor-expbench-{Environment.ProcessId}");
Directory.CreateDirectory(data);
var t0 = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

await using var db = postgres is null ? TailorDatabase.Sqlite(Path.Combine(data, "tailor.db"), TimeProvider.System) : TailorDatabase.Postgres(postgres, TimeProvider.System);
await db.MigrateAsync(CancellationToken.None);
var load = Stopwatch.StartNew();
if (postgres is null) LoadSqlite(Path.Combine(data, "tailor.db")); else await LoadPostgresAsync(postgres);
Console.WriteLine($"{db.Kind}: loaded {units:N0} units, {(long)units * exposures:N0} exposure events in {load.Elapsed.TotalSeconds:F1} s");

ExperimentMetric[] metrics =
[
    new("orders", MetricKind.Conversion, "Order Completed"),
    new("revenue", MetricKind.Sum, "Order Completed", "revenue"),
    new("aov", MetricKind.Ratio, "Order Completed", "revenue", DenominatorEvent: "Order Completed"),
];
var times = new List<double>();
for (var run = 0; run < 3; run++)
{
    var watch = Stopwatch.StartNew();
    var summary = await db.Experiments.ExposureSummaryAsync("bench", null, CancellationToken.None);
    var sums = new List<ArmSums>();
    foreach (var m in metrics) sums.AddRange(await db.Experiments.ArmSumsAsync("bench", m, null, CancellationToken.None));
    times.Add(watch.Elapsed.TotalSeconds);
    Console.WriteLine($"run {run + 1}: {watch.Elapsed.TotalSeconds:F2} s; units {string.Join(", ", summary.Arms.Select(a => $"{a.Arm}={a.Units}"))}; " +
        $"conversions {string.Join(", ", sums.Take(2).Select(s => $"{s.Arm}={s.Sum}"))}");
}
times.Sort();
Console.WriteLine($"{db.Kind}: median {times[1]:F2} s for 3 metrics over {units:N0} units and {(long)units * exposures:N0} exposure events");
return 0;

void LoadSqlite(string path)
{
    using var c = new SqliteConnection($"Data Source={path}");
    c.Open();
    Tailor.Storage.Sqlite.SqliteDatabase.RegisterFunctions(c); // events is a view that decodes payloads
    using (var pragma = c.CreateCommand()) { pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"; pragma.ExecuteNonQuery(); }
    using var t = c.BeginTransaction();
    var experiment = c.CreateCommand();
    experiment.Transaction = t;
    experiment.CommandText = "INSERT INTO experiments (key, definition, status, created_at, updated_at) VALUES ('bench', '{}', 'running', 0, 0)";
    experiment.ExecuteNonQuery();
    using var profile = Prepared(c, t, "INSERT INTO profiles (id, created_at, updated_at, traits, trait_times, computed, consent, tags) VALUES ($id, 0, 0, '{}', '{}', '{}', '{}', '[]')", "$id");
    using var exposure = Prepared(c, t, "INSERT INTO experiment_exposures (experiment_key, profile_id, arm, first_at) VALUES ('bench', $id, $arm, $at)", "$id", "$arm", "$at");
    using var e = Prepared(c, t, "INSERT INTO events (message_id, source_id, type, name, user_id, ts, received_at, payload, profile_id) VALUES ($m, 's', 'track', $name, $id, $ts, $ts, $payload, $id)",
        "$m", "$name", "$id", "$ts", "$payload");
    var seq = 0L;
    for (var u = 0; u < units; u++)
        foreach (var row in Rows(u))
        {
            if (row.Kind == 0) { profile.Parameters[0].Value = row.Id; profile.ExecuteNonQuery(); }
            else if (row.Kind == 1) { exposure.Parameters[0].Value = row.Id; exposure.Parameters[1].Value = row.Arm; exposure.Parameters[2].Value = row.Ts; exposure.ExecuteNonQuery(); }
            else
            {
                e.Parameters[0].Value = $"m{seq++}"; e.Parameters[1].Value = row.Name; e.Parameters[2].Value = row.Id; e.Parameters[3].Value = row.Ts; e.Parameters[4].Value = row.Payload;
                e.ExecuteNonQuery();
            }
        }
    t.Commit();
    using var analyze = c.CreateCommand();
    analyze.CommandText = "ANALYZE";
    analyze.ExecuteNonQuery();
}

async Task LoadPostgresAsync(string connection)
{
    await using var c = new NpgsqlConnection(connection);
    await c.OpenAsync();
    await using (var x = new NpgsqlCommand("INSERT INTO experiments (key, definition, status, created_at, updated_at) VALUES ('bench', '{}', 'running', 0, 0)", c)) await x.ExecuteNonQueryAsync();
    IEnumerable<(int Kind, string Id, string? Arm, long Ts, string? Name, string? Payload)> rows = Enumerable.Range(0, units).SelectMany(Rows); // regenerated per pass (deterministic)
    await using (var w = await c.BeginBinaryImportAsync("COPY profiles (id, created_at, updated_at, traits, trait_times, computed, consent, tags) FROM STDIN (FORMAT BINARY)"))
    {
        foreach (var r in rows.Where(r => r.Kind == 0))
        {
            await w.StartRowAsync();
            await w.WriteAsync(r.Id); await w.WriteAsync(0L); await w.WriteAsync(0L);
            foreach (var json in new[] { "{}", "{}", "{}", "{}", "[]" }) await w.WriteAsync(json, NpgsqlTypes.NpgsqlDbType.Jsonb);
        }
        await w.CompleteAsync();
    }
    await using (var w = await c.BeginBinaryImportAsync("COPY experiment_exposures (experiment_key, profile_id, arm, first_at) FROM STDIN (FORMAT BINARY)"))
    {
        foreach (var r in rows.Where(r => r.Kind == 1)) { await w.StartRowAsync(); await w.WriteAsync("bench"); await w.WriteAsync(r.Id); await w.WriteAsync(r.Arm!); await w.WriteAsync(r.Ts); }
        await w.CompleteAsync();
    }
    await using (var w = await c.BeginBinaryImportAsync("COPY events (message_id, source_id, type, name, user_id, ts, received_at, payload, profile_id) FROM STDIN (FORMAT BINARY)"))
    {
        var seq = 0L;
        foreach (var r in rows.Where(r => r.Kind == 2))
        {
            await w.StartRowAsync();
            await w.WriteAsync($"m{seq++}"); await w.WriteAsync("s"); await w.WriteAsync("track"); await w.WriteAsync(r.Name!); await w.WriteAsync(r.Id);
            await w.WriteAsync(r.Ts); await w.WriteAsync(r.Ts); await w.WriteAsync(r.Payload!, NpgsqlTypes.NpgsqlDbType.Json); await w.WriteAsync(r.Id);
        }
        await w.CompleteAsync();
    }
    await using (var a = new NpgsqlCommand("ANALYZE", c)) await a.ExecuteNonQueryAsync();
}

// One unit's rows: its profile (0), its first exposure (1), and its events (2).
IEnumerable<(int Kind, string Id, string? Arm, long Ts, string? Name, string? Payload)> Rows(int u)
{
    var id = $"p{u:D8}";
    var rng = new Random(u);
    var arm = ExperimentAssignment.Arm([("a", 0.5), ("b", 0.5)], ExperimentAssignment.Bucket("bench", id));
    var first = t0 + rng.NextInt64(0, 14 * 86_400_000L);
    yield return (0, id, null, 0, null, null);
    yield return (1, id, arm, first, null, null);
    for (var i = 0; i < exposures; i++)
        yield return (2, id, null, first + i * 3_600_000L, "Experiment Viewed", $$$"""{"event":"Experiment Viewed","properties":{"experiment_id":"bench","variation_id":"{{{arm}}}"}}""");
    if (rng.NextDouble() < (arm == "b" ? 0.22 : 0.2))
        for (var i = rng.Next(1, 4); i > 0; i--)
            yield return (2, id, null, first + rng.NextInt64(0, 7 * 86_400_000L), "Order Completed", $$$"""{"event":"Order Completed","properties":{"revenue":{{{rng.Next(5, 200)}}}}}""");
    if (rng.NextDouble() < 0.1)
        yield return (2, id, null, first - rng.NextInt64(1, 14 * 86_400_000L), "Order Completed", """{"event":"Order Completed","properties":{"revenue":50}}""");
}

SqliteCommand Prepared(SqliteConnection c, SqliteTransaction t, string sql, params string[] names)
{
    var command = c.CreateCommand();
    command.Transaction = t;
    command.CommandText = sql;
    foreach (var n in names) command.Parameters.Add(new SqliteParameter(n, null));
    command.Prepare();
    return command;
}

int Arg(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
