using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Core.Destinations;
using Tailor.Server.Destinations;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Destinations;

/// <summary>The warehouse export to Parquet, read back by DuckDB with the query in docs/connectors.md.</summary>
public sealed class ParquetExportTests : IDisposable
{
    private readonly string _export = TempDirectory.Create("parquet-export");

    [Fact]
    public async Task DuckDB_reads_the_exported_files_and_gives_the_revenue_per_day_that_was_sent()
    {
        await using var app = await TriggerApp.StartAsync();
        var id = await CreateAsync(app.Admin, new { name = "lake", kind = "parquet", settings = new { directory = _export } });
        // Orders over three days, with revenues whose daily sums the test adds up itself.
        var day0 = new DateTimeOffset(2026, 3, 8, 9, 0, 0, TimeSpan.Zero);
        var expected = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        var sent = 0;
        for (var i = 0; i < 30; i++)
        {
            var at = day0.AddDays(i % 3).AddMinutes(i);
            var revenue = 10m + i * 1.25m;
            await SharingAsync(app, $"buyer-{i % 7}", "Order Completed", at, new { order_id = $"o{i}", revenue });
            var day = at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            expected[day] = expected.GetValueOrDefault(day) + revenue;
            sent++;
        }
        for (var i = 0; i < 5; i++, sent++) await SharingAsync(app, $"buyer-{i}", "Product Viewed", day0.AddHours(i), new { sku = $"s{i}" });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        var status = await WaitForStatusAsync(app.Admin, id, s => (long)s["lag"]! == 0 && (long)s["sent"]! >= sent);

        // The query of docs/connectors.md.
        var perDay = Query($"""
            SELECT day, sum(revenue) FROM read_parquet({Files(_export, "events")}, hive_partitioning = true)
            WHERE name = 'Order Completed' GROUP BY day ORDER BY day
            """);
        Assert.Equal(expected.Keys, perDay.Select(r => DateTime.Parse(r[0], CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.Equal(expected.Values.Select(v => (double)v), perDay.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)));
        var counts = Query($"SELECT count(*), count(DISTINCT message_id), count(DISTINCT profile_id) FROM read_parquet({Files(_export, "events")})")[0];
        Assert.Equal([sent.ToString(CultureInfo.InvariantCulture), sent.ToString(CultureInfo.InvariantCulture), "7"], counts);
        // Profiles carry their computed traits: seven buyers, with the thirty orders among them.
        var profiles = Query($"""
            SELECT count(DISTINCT profile_id), sum(order_count) FROM (
              SELECT profile_id, arg_max(order_count, position) AS order_count FROM read_parquet({Files(_export, "profiles")}) GROUP BY profile_id)
            """)[0];
        Assert.Equal(["7", "30"], profiles);
        Assert.Equal("running", (string)status["state"]!);
    }

    [Fact]
    public async Task Batches_read_while_the_one_before_is_written_export_each_event_once_in_files_whose_ranges_hold_their_rows()
    {
        await using var app = await TriggerApp.StartAsync();
        var day0 = new DateTimeOffset(2026, 3, 8, 9, 0, 0, TimeSpan.Zero);
        var sent = 0;
        for (var i = 0; i < 41; i++, sent++) await SharingAsync(app, $"buyer-{i % 5}", "Order Completed", day0.AddDays(i % 2).AddMinutes(i), new { order_id = $"o{i}", revenue = i });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        // Created after the events are in: the first step finds more than BatchesPerStep full batches of 4 waiting.
        var id = await CreateAsync(app.Admin, new { name = "small-batches", kind = "parquet", settings = new { directory = _export, tables = new[] { "events" }, batchSize = 4 } });
        await WaitForStatusAsync(app.Admin, id, s => (long)s["lag"]! == 0 && (long)s["sent"]! >= sent);

        var counts = Query($"SELECT count(*), count(DISTINCT sequence), count(DISTINCT message_id), sum(revenue) FROM read_parquet({Files(_export, "events")})")[0];
        Assert.Equal([$"{sent}", $"{sent}", $"{sent}", $"{Enumerable.Range(0, 41).Sum()}"], counts.Select(c => c.Split('.')[0]));
        // Each row lies in the range its file's name gives; the ranges (one file per day per batch) follow each other without gap or overlap.
        var rows = Query($"SELECT sequence, filename FROM read_parquet({Files(_export, "events")}, filename = true)");
        static ExportFileName NameOf(string path) => ExportFileName.TryParse(Path.GetFileName(path), out var name) ? name : throw new Xunit.Sdk.XunitException($"not an export file name: {path}");
        foreach (var row in rows) Assert.InRange(long.Parse(row[0], CultureInfo.InvariantCulture), NameOf(row[1]).First, NameOf(row[1]).Last);
        var ranges = rows.Select(r => (NameOf(r[1]).First, NameOf(r[1]).Last)).Distinct().Order().ToList();
        Assert.True(ranges.Count > ParquetExport.BatchesPerStep, $"{ranges.Count} batches");
        for (var i = 1; i < ranges.Count; i++) Assert.Equal(ranges[i - 1].Last + 1, ranges[i].First);
        Assert.Empty(Directory.GetFiles(_export, "*.tmp", SearchOption.AllDirectories));
    }

    /// <summary>A track from a buyer who consented to data sharing (exports are gated on it), with no event besides.</summary>
    private static Task SharingAsync(TriggerApp app, string userId, string name, DateTimeOffset at, object properties) =>
        app.Ingest.SendAsync("/v1/track", new
        {
            userId, @event = name, timestamp = Http.Iso(at), properties,
            context = new { consent = new { categoryPreferences = new Dictionary<string, bool> { ["data sharing"] = true } } },
        });

    [Fact]
    public void Files_of_a_step_that_never_committed_are_removed_and_committed_ones_kept()
    {
        var day = Path.Combine(_export, "events", "day=2026-03-08");
        Directory.CreateDirectory(day);
        var committed = new ExportFileName("events", 1, 100).ToString();
        var uncommitted = new ExportFileName("events", 101, 180).ToString();
        var profilesUncommitted = new ExportFileName("profiles", 101, 180).ToString();
        foreach (var file in new[] { committed, uncommitted, uncommitted + ".tmp" }) File.WriteAllText(Path.Combine(day, file), "x");
        Directory.CreateDirectory(Path.Combine(_export, "profiles", "day=2026-03-09"));
        File.WriteAllText(Path.Combine(_export, "profiles", "day=2026-03-09", profilesUncommitted), "x");

        var removed = new ParquetExport(null!, null!, NullLogger<ParquetExport>.Instance).Recover(_export, new Dictionary<string, long> { ["events"] = 100 });

        Assert.Equal(3, removed);
        Assert.Equal([committed], Directory.GetFiles(day).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.Combine(_export, "profiles", "day=2026-03-09")));
    }

    public void Dispose() => TempDirectory.Delete(_export);
}
