using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tailor.Cli.Import;
using Tailor.Core.Events;
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
            ?? await store.CreateSourceAsync(SourceName, Server.Admin.AccessKeys.NewKey("wk_demo"), ct);
        var importer = new EventImporter(store, store, services.GetRequiredService<IngestionLimits>(), time);
        var report = await importer.ImportAsync(OnlineRetailEvents.ReadAsync(OnlineRetailEvents.DemoFile, time.GetUtcNow()),
            "online-retail-demo-v1", OnlineRetailEvents.DemoFile, source, TextWriter.Null, null, ct);
        AnsiConsole.MarkupLine(report.Skipped > 0
            ? "Demo data already loaded."
            : $"Demo data: {report.Accepted:N0} events from UCI Online Retail (CC BY 4.0); profiles appear as the pipeline catches up.");
    }
}
