using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using AnalysisOptions = Tailor.Analytics.Experiments.AnalysisOptions;
using Tailor.Application.Experiments;
using Tailor.Core.Experiments;

using Tailor.Storage;

// Experiment results at scale (issue 12: 10,000,000 exposure events and 3 metrics in at most 5 s).
// Loads UNITS profiles, each with EXPOSURES "Experiment Viewed" events (UNITS x EXPOSURES exposure events in the log)
// and its first exposure, a fifth of them with 1-3 "Order Completed" events (revenue) after it and a tenth with one
// before it (logged after the exposure: a late event), all assigned to their profiles. Then the experiments follower
// folds the log (timed: its catch-up throughput), and the results are read 3 times as the API reads them — units per
// arm, the per-arm sums of 3 metrics (conversion, revenue per user, revenue per order) and the statistics — median
// of 3. With --check, the tally is compared with the recompute from the log (slow at full size).
//   tailor-expbench [--units 1000000] [--exposures 10] [--postgres CONNECTION] [--data DIR] [--check]
var units = Arg("--units", 1_000_000);
var exposures = Arg("--exposures", 10);
var postgres = Value("--postgres");
var check = args.Contains("--check");
var data = Value("--data") ?? Path.Combine(Path.GetTempPath(), $"tailor-expbench-{Environment.ProcessId}");
Directory.CreateDirectory(data);
var t0 = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
string? database = null;
if (postgres is not null)
{
    // A database of its own, dropped afterwards: the server named may be shared.
    database = $"tailor_expbench_{Environment.ProcessId}";
    await Admin(postgres, $"CREATE DATABASE \"{database}\"");
}
try
{
    await using var db = postgres is null ? TailorDatabase.Sqlite(Path.Combine(data, "tailor.db"), TimeProvider.System)
        : TailorDatabase.Postgres(new NpgsqlConnectionStringBuilder(postgres) { Database = database, CommandTimeout = 600 }.ConnectionString, TimeProvider.System);
    await db.MigrateAsync(CancellationToken.None);
    ExperimentMetric[] metrics =
    [
        new("orders", MetricKind.Conversion, "Order Completed"),
        new("revenue", MetricKind.Sum, "Order Completed", "revenue"),
        new("aov", MetricKind.Ratio, "Order Completed", "revenue", DenominatorEvent: "Order Completed"),
    ];
    var definition = new ExperimentDefinition("bench", "Bench", new ExperimentSubject(SubjectKind.Flag), [new ExperimentVariant("a"), new ExperimentVariant("b")],
        metrics[0], SecondaryMetrics: metrics[1..]);
    var start = DateTimeOffset.FromUnixTimeMilliseconds(t0);
    var experiment = new Experiment(definition, ExperimentStatus.Running, start, start, start);
    await db.Experiments.SaveExperimentAsync(experiment, createOnly: true, CancellationToken.None);

    var load = Stopwatch.StartNew();
    if (postgres is null) LoadSqlite(Path.Combine(data, "tailor.db")); else await LoadPostgresAsync(new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString);
    Console.WriteLine($"{db.Kind}: loaded {units:N0} units, {(long)units * exposures:N0} exposure events in {load.Elapsed.TotalSeconds:F1} s");

    var tallies = new ExperimentTallies(db.Experiments, db.Triggers, db.Segments, db.Positions, TimeProvider.System);
    var fold = Stopwatch.StartNew();
    long folded = 0;
    for (int n; (n = await tallies.StepAsync(5000, CancellationToken.None)) > 0;) folded += n;
    Console.WriteLine($"{db.Kind}: experiments follower folded {folded:N0} events in {fold.Elapsed.TotalSeconds:F1} s ({folded / fold.Elapsed.TotalSeconds:N0} events/s)");

    var times = new List<double>();
    for (var run = 0; run < 3; run++)
    {
        var watch = Stopwatch.StartNew();
        var tally = await db.Experiments.TallyAsync("bench", null, CancellationToken.None);
        var arms = definition.Arms().Select(a => a.Arm).ToArray();
        var results = new ExperimentResults(experiment, null, tally.Exposures, metrics.Select(m => new MetricResult(m, MetricRole.Primary,
            arms.Select(a => tally.Metrics[m.Name].First(x => x.Arm == a)).ToArray(), null)).ToArray(), DateTimeOffset.UtcNow);
        var (analysis, problem) = ExperimentStatistics.Analyze(results, new AnalysisOptions());
        times.Add(watch.Elapsed.TotalSeconds);
        Console.WriteLine($"run {run + 1}: {watch.Elapsed.TotalSeconds * 1000:F1} ms; units {string.Join(", ", tally.Exposures.Arms.Select(a => $"{a.Arm}={a.Units}"))}; " +
            $"converted {string.Join(", ", results.Metrics[0].Arms.Select(s => $"{s.Arm}={s.Sum}"))}; {analysis?.Decision ?? problem?.ToString()}");
    }
    times.Sort();
    Console.WriteLine($"{db.Kind}: results median {times[1] * 1000:F1} ms for 3 metrics over {units:N0} units and {(long)units * exposures:N0} exposure events");

    if (check)
    {
        var tally = await db.Experiments.TallyAsync("bench", null, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        foreach (var m in metrics)
            foreach (var r in await db.Experiments.ArmSumsAsync("bench", m, null, CancellationToken.None))
            {
                var t = tally.Metrics[m.Name].First(x => x.Arm == r.Arm);
                Console.WriteLine($"check {m.Name} {r.Arm}: recompute units {r.Units} sum {r.Sum} covariate {r.CovariateSum}; tally units {t.Units} sum {t.Sum} covariate {t.CovariateSum}");
                if (r.Units != t.Units || Math.Abs(r.Sum - t.Sum) > 1e-6 * Math.Max(1, Math.Abs(r.Sum)) || Math.Abs(r.CovariateSum - t.CovariateSum) > 1e-6 * Math.Max(1, Math.Abs(r.CovariateSum)))
                    throw new InvalidOperationException("tally and recompute disagree");
            }
        Console.WriteLine($"{db.Kind}: recompute from the log agrees ({watch.Elapsed.TotalSeconds:F1} s)");
    }
}
finally
{
    if (database is not null)
    {
        NpgsqlConnection.ClearAllPools();
        await Admin(postgres!, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }
}
return 0;

static async Task Admin(string connection, string sql)
{
    await using var c = new NpgsqlConnection(connection);
    await c.OpenAsync();
    await using var command = new NpgsqlCommand(sql, c);
    await command.ExecuteNonQueryAsync();
}

void LoadSqlite(string path)
{
    using var c = new SqliteConnection($"Data Source={path}");
    c.Open();
    Tailor.Storage.Sqlite.SqliteDatabase.RegisterFunctions(c); // events is a view that decodes payloads
    using (var pragma = c.CreateCommand()) { pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"; pragma.ExecuteNonQuery(); }
    using var t = c.BeginTransaction();
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
    using (var position = c.CreateCommand())
    {
        // Every event is assigned to its profile, as the profile pipeline would have left them.
        position.Transaction = t;
        position.CommandText = "INSERT INTO pipeline_positions (name, position) SELECT 'profiles', MAX(seq) FROM events WHERE true ON CONFLICT (name) DO UPDATE SET position = excluded.position";
        position.ExecuteNonQuery();
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
    await using (var p = new NpgsqlCommand("INSERT INTO pipeline_positions (name, position) SELECT 'profiles', MAX(seq) FROM events WHERE true ON CONFLICT (name) DO UPDATE SET position = excluded.position", c))
        await p.ExecuteNonQueryAsync();
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
