using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Server.Analytics;
using Tailor.Server.Hosting;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>
/// The store opened with the same analytics registrations as the server (<see cref="AnalyticsWiring.AddTailorAnalyticsJobs"/>),
/// so a CLI run is the very job the API runs; scores are appended straight to the log (<see cref="EventLogSink"/>).
/// </summary>
internal sealed class AnalyticsSession(ServiceProvider services) : IAsyncDisposable
{
    public AnalyticsRuns Runs { get; } = services.GetRequiredService<AnalyticsRuns>();

    public AnalyticsSchedules Schedules { get; } = services.GetRequiredService<AnalyticsSchedules>();

    public static async Task<AnalyticsSession> OpenAsync(StoreOptions store, ParseResult result, CancellationToken ct)
    {
        var database = await store.OpenAsync(result, ct);
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddTailorStorage(database);
        services.AddSingleton<IEventSink, EventLogSink>();
        // A job that needs another use case (e.g. SegmentOperations to publish clusters) registers it here too.
        services.AddTailorAnalyticsJobs();
        return new AnalyticsSession(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
