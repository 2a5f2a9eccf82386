using Tailor.Application.DeadLetters;
using Tailor.Application.Destinations;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>The destinations area: the role, the use cases, the drivers, the <c>destinations</c> follower, the replayer and the live stream.</summary>
public static class DestinationsWiring
{
    public static IServiceCollection AddTailorDestinations(this IServiceCollection services)
    {
        services.AddSingleton<DestinationOperations>();
        services.AddSingleton<ExportReader>();
        services.AddSingleton<BatchDelivery>();
        services.AddSingleton<DestinationTester>();
        services.AddSingleton<IDestinationDriver, ParquetExport>();
        services.AddSingleton<IDestinationDriver, PostgresExport>();
        services.AddSingleton<IDestinationDriver, EventForwarder>();
        services.AddSingleton<IDestinationDriver, AudienceSync>();
        services.AddSingleton<DestinationsFollower>();
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<DestinationsFollower>());
        services.AddSingleton<IDeadLetterReplayer, DestinationReplayer>();
        services.AddSingleton<ProfileStream>();
        return services;
    }
}
