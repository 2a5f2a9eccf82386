using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tailor.Cli.Import;
using Tailor.Core.Events;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;

namespace Tailor.Cli.Demo;

/// <summary>Loads the Online Retail demo data into a node's log once (its messageIds are fixed, so repeats are no-ops).</summary>
internal static class DemoLoader
{
    public const string SourceName = "demo";

    public static async Task LoadAsync(IServiceProvider services, CancellationToken ct)
    {
        var store = services.GetRequiredService<ITailorStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var source = await store.FindSourceByNameAsync(SourceName, ct)
            ?? await store.CreateSourceAsync(new Source(new Application.IdSource(time).New("src"), SourceName, Server.Admin.AccessKeys.NewKey("wk_demo"), time.GetUtcNow()), ct);
        await CreateSegmentsAsync(store, time, ct);
        var importer = new EventImporter(store, store, services.GetRequiredService<IngestionLimits>(), time);
        var report = await importer.ImportAsync(OnlineRetailEvents.ReadAsync(OnlineRetailEvents.DemoFile, time.GetUtcNow()),
            "online-retail-demo-v1", OnlineRetailEvents.DemoFile, source, TextWriter.Null, null, ct);
        AnsiConsole.MarkupLine(report.Skipped > 0
            ? "Demo data already loaded."
            : $"Demo data: {report.Accepted:N0} events from UCI Online Retail (CC BY 4.0); profiles and segments fill as the pipeline catches up.");
    }

    /// <summary>Example segments, created before the events so the segment engine fills them as the events are applied.</summary>
    private static readonly (string Name, string Rule)[] Segments =
    [
        ("Recent Buyers", "performed \"Order Completed\" in last 30 days"),
        ("Lapsed Customers", "performed \"Order Completed\" and not performed \"Order Completed\" in last 60 days"),
        ("Repeat Buyers", "performed \"Order Completed\" at least 3 times in last 90 days"),
        ("High-Value", "computed totalRevenue >= 1000 or computed totalRevenue in top 10 percent"),
        ("Email Reachable", "has consent email"),
    ];

    private static async Task CreateSegmentsAsync(ITailorStore store, TimeProvider time, CancellationToken ct)
    {
        var existing = (await store.ListSegmentsAsync(ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, rule) in Segments)
        {
            if (existing.Contains(name)) continue;
            var now = time.GetUtcNow();
            await store.SaveSegmentAsync(new SegmentDefinition($"seg_{Guid.CreateVersion7():N}", name, RuleParser.Parse(rule), null,
                SegmentDefinition.DefaultMinSize, now, now), ct);
        }
    }
}
