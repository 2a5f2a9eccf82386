using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Storage;
using Tailor.Application.Segments;

namespace Tailor.SegmentBench;

/// <summary>
/// Full recompute of one segment with <see cref="SegmentEngine.RecomputeAsync"/> (members, history and timers of
/// that segment cleared before each run, as after creating it) against the SQL a user would write, same data, same run.
/// </summary>
internal static class RecomputeBench
{
    internal sealed record Case(string Name, string Rule, Func<long, string> Sql);

    public static readonly Case[] Cases =
    [
        new("Recent Buyers", "performed \"Order Completed\" in last 30 days",
            now => $"SELECT DISTINCT profile_id FROM events WHERE type = 'track' AND name = 'Order Completed' AND ts > {now - 30L * 86_400_000}"),
        new("Engaged", "computed engagementScore >= 20", _ => "ENGAGED"),
    ];

    public static async Task<string> RunAsync(string dataDir, string? postgres, int repeat, CancellationToken ct)
    {
        var report = new StringBuilder();
        await using var store = await TailorStores.OpenAsync(dataDir, postgres, ct);
        using var engine = new SegmentEngine(store.Segments, store.Positions, store.Profiles, TimeProvider.System);
        await engine.ReloadAsync(ct);
        var kind = postgres is null ? "SQLite" : "PostgreSQL";
        var profiles = await store.Profiles.ProfileCountAsync(ct);
        await using DbConnection raw = postgres is null
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = TailorStores.SqlitePath(dataDir) }.ToString())
            : new NpgsqlConnection(postgres);
        await raw.OpenAsync(ct);
        if (raw is SqliteConnection sqlite) Tailor.Storage.Sqlite.SqliteDatabase.RegisterFunctions(sqlite); // the events view decodes payloads
        var events = Convert.ToInt64(await Scalar(raw, "SELECT COUNT(*) FROM events", ct), CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind}: {profiles:N0} profiles, {events:N0} events"));
        report.AppendLine(CultureInfo.InvariantCulture, $"| store | profiles | events | segment | engine recompute s (median of {repeat}) | runs | members | hand SQL s (median of {repeat}) | rows | ratio engine/SQL |");
        report.AppendLine("| --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |");

        var breakdown = new StringBuilder();
        breakdown.AppendLine("\nOne extra read-only pass over the same pages (500 profiles), timing the engine's steps separately:\n");
        breakdown.AppendLine("| store | segment | engine total s | candidate / profile ids s | SnapshotsAsync s | RuleEvaluator s | rest = membership/timer writes + commits s |");
        breakdown.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in Cases)
        {
            var def = engine.Catalog.InOrder.FirstOrDefault(x => x.Name == c.Name)?.Definition;
            if (def is null)
            {
                var now0 = DateTimeOffset.UtcNow;
                def = new SegmentDefinition("seg_bench_" + new string([.. c.Name.Where(char.IsLetter)]).ToLowerInvariant(), c.Name, RuleParser.Parse(c.Rule), null, 50, now0, now0);
                await store.Segments.SaveSegmentAsync(def, ct);
                await engine.ReloadAsync(ct);
            }
            var engineTimes = new List<double>();
            long members = 0;
            for (var r = 0; r < repeat; r++)
            {
                foreach (var table in (string[])["segment_members", "segment_timers", "segment_history", "segment_sizes"])
                    await Exec(raw, $"DELETE FROM {table} WHERE segment_id = '{def.Id}'", ct);
                var sw = Stopwatch.StartNew();
                var result = await engine.RecomputeAsync(def.Id, null, ct);
                sw.Stop();
                engineTimes.Add(sw.Elapsed.TotalSeconds);
                members = result.Entered;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine {c.Name}: {sw.Elapsed.TotalSeconds:F2} s, {result.Profiles:N0} profiles, {result.Entered:N0} entered"));
            }
            var sqlTimes = new List<double>();
            long rows = 0;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var sql = c.Sql(now);
            if (sql == "ENGAGED")
                sql = postgres is null
                    ? "SELECT id FROM profiles WHERE merged_into IS NULL AND json_extract(computed, '$.engagementScore') >= 20"
                    : "SELECT id FROM profiles WHERE merged_into IS NULL AND (computed->>'engagementScore')::numeric >= 20";
            for (var r = 0; r < repeat; r++)
            {
                var sw = Stopwatch.StartNew();
                rows = 0;
                await using (var cmd = raw.CreateCommand())
                {
                    cmd.CommandText = sql;
                    cmd.CommandTimeout = 0;
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) { _ = reader.GetString(0); rows++; }
                }
                sw.Stop();
                sqlTimes.Add(sw.Elapsed.TotalSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SQL {c.Name}: {sw.Elapsed.TotalSeconds:F3} s, {rows:N0} rows"));
            }
            var (ids, snaps, eval) = await BreakdownAsync(store, engine.Catalog.ById(def.Id)!, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  breakdown {c.Name}: ids {ids:F2} s, snapshots {snaps:F2} s, evaluate {eval:F2} s"));
            breakdown.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {c.Name} | {Median(engineTimes):F2} | {ids:F2} | {snaps:F2} | {eval:F2} | {Median(engineTimes) - ids - snaps - eval:F2} |");
            var (em, sm) = (Median(engineTimes), Median(sqlTimes));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind} | {profiles:N0} | {events:N0} | {c.Name}: `{c.Rule}` | **{em:F2}** | {string.Join(" / ", engineTimes.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} | {members:N0} | **{sm:F3}** | {rows:N0} | {em / sm:F0}× |");
            report.AppendLine(CultureInfo.InvariantCulture, $"<!-- SQL: {sql} -->");
        }
        return report.ToString() + breakdown;
    }

    /// <summary>The engine's read and evaluate steps, page by page as RecomputeAsync does them, without writing.</summary>
    private static async Task<(double Ids, double Snapshots, double Evaluate)> BreakdownAsync(TailorDatabase store, SegmentCatalog.Compiled segment, CancellationToken ct)
    {
        var stats = new PopulationStats(store.Segments, TimeProvider.System);
        await stats.RefreshAsync(SegmentCatalog.Empty.TopPercentTerms, ct);
        var now = DateTimeOffset.UtcNow;
        double ids = 0, snaps = 0, eval = 0;
        string? after = null;
        var sw = Stopwatch.StartNew();
        // As RecomputeAsync: the candidates when the rule narrows them, else every profile page by page.
        IReadOnlyList<string>? candidates = Tailor.Core.Segments.Evaluation.CandidateFilter.Of(segment.EffectiveRule, now) is { } filter
            ? await store.Segments.CandidateIdsAsync(filter, [segment.Id], ct)
            : null;
        ids += sw.Elapsed.TotalSeconds;
        var offset = 0;
        var scope = Tailor.Core.Segments.Evaluation.SnapshotScopes.For([(segment.Id, segment.Dependencies)], now);
        while (true)
        {
            sw.Restart();
            var page = candidates is null ? await store.Segments.ProfileIdsAsync(after, 500, ct) : candidates.Skip(offset).Take(500).ToList();
            offset += page.Count;
            ids += sw.Elapsed.TotalSeconds;
            if (page.Count == 0) break;
            sw.Restart();
            var snapshots = await store.Segments.SnapshotsAsync(page, scope, ct);
            snaps += sw.Elapsed.TotalSeconds;
            sw.Restart();
            foreach (var s in snapshots)
                _ = Tailor.Core.Segments.Evaluation.RuleEvaluator.Evaluate(segment.EffectiveRule, new Tailor.Core.Segments.Evaluation.ProfileFacts(s.Profile, s.Events, new HashSet<string>(), stats), now);
            eval += sw.Elapsed.TotalSeconds;
            after = page[^1];
        }
        return (ids, snaps, eval);
    }

    internal static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static async Task<object?> Scalar(DbConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        return await cmd.ExecuteScalarAsync(ct);
    }

    private static Task Exec(DbConnection c, string sql, CancellationToken ct) => Generator.Exec(c, null, sql, ct);
}

/// <summary>The four queries of SqlSegmentStore.SnapshotsAsync, read raw (no JSON parsing) page by page, to split its time.</summary>
internal static class SnapshotQueries
{
    public static async Task<string> RunAsync(string dataDir, string eventName, CancellationToken ct)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = TailorStores.SqlitePath(dataDir), Mode = SqliteOpenMode.ReadOnly }.ToString());
        await c.OpenAsync(ct);
        Tailor.Storage.Sqlite.SqliteDatabase.RegisterFunctions(c); // the events view decodes payloads
        var times = new double[5];
        string after = "";
        var sw = new Stopwatch();
        while (true)
        {
            sw.Restart();
            var ids = new List<string>();
            await using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT id FROM profiles WHERE merged_into IS NULL AND id > $a ORDER BY id LIMIT 500";
                cmd.Parameters.AddWithValue("$a", after);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) ids.Add(r.GetString(0));
            }
            times[0] += sw.Elapsed.TotalSeconds;
            if (ids.Count == 0) break;
            after = ids[^1];
            var inList = string.Join(", ", ids.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)));
            string[] sqls =
            [
                $"SELECT id, created_at, updated_at, merged_into, traits, trait_times, computed, consent, tags FROM profiles WHERE merged_into IS NULL AND id IN ({inList})",
                $"SELECT profile_id, type, value FROM identities WHERE profile_id IN ({inList}) ORDER BY first_seen, type",
                $"SELECT profile_id, segment_id FROM segment_members WHERE profile_id IN ({inList})",
                $"SELECT profile_id, seq, message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload FROM events WHERE profile_id IN ({inList}) AND ((type = 'track' AND name IN (@n))) ORDER BY ts, seq",
            ];
            for (var q = 0; q < sqls.Length; q++)
            {
                sw.Restart();
                await using var cmd = c.CreateCommand();
                cmd.CommandText = sqls[q];
                for (var i = 0; i < ids.Count; i++) cmd.Parameters.AddWithValue("@p" + i.ToString(CultureInfo.InvariantCulture), ids[i]);
                if (q == 3) cmd.Parameters.AddWithValue("@n", eventName);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    for (var f = 0; f < r.FieldCount; f++) _ = r.GetValue(f);
                times[q + 1] += sw.Elapsed.TotalSeconds;
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"| raw SQLite reads, all pages | ids {times[0]:F2} s | profiles rows {times[1]:F2} s | identities {times[2]:F2} s | memberships {times[3]:F2} s | events '{eventName}' {times[4]:F2} s |");
    }
}
