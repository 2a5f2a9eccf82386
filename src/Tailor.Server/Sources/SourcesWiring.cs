using Tailor.Application.DeadLetters;
using Tailor.Application.Sources;
using Tailor.Core.Sources;
using Tailor.Server.Pipeline;
using Tailor.Storage;
using Tailor.Storage.Sources;

namespace Tailor.Server.Sources;

/// <summary>Wires connector sources (docs/connectors.md): the store role, the mapping, the webhook receiver, the pulls and their replays.</summary>
public static class SourcesWiring
{
    public static IServiceCollection AddTailorSources(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Sources);
        services.AddSingleton<ISourceRowReader, PostgresRowReader>();
        services.AddSingleton<InboundMapper>();
        services.AddSingleton<SourceOperations>();
        services.AddSingleton<SourcePrivacyOperations>();
        services.AddSingleton<PullRunner>();
        services.AddSingleton<SourceDirectory>();
        services.AddSingleton<SourceRateLimiter>();
        services.AddSingleton<SourceCounters>();
        services.AddSingleton<SourceEndpoint>();
        services.AddSingleton<SourcePuller>();
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<SourcePuller>());
        services.AddSingleton<IDeadLetterReplayer, SourceReplayer>();
        return services;
    }
}
