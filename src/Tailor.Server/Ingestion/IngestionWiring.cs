using Tailor.Application;
using Tailor.Core.Events;
using Tailor.Server.Hosting;

namespace Tailor.Server.Ingestion;

/// <summary>Wires the ingestion edge (docs/ingestion.md): <c>/v1/track</c>, <c>/v1/batch</c> and the others.</summary>
public static class IngestionWiring
{
    /// <summary>
    /// The ingestion limits, the message parser (ids for messages that bring none from <see cref="IdSource"/>), the
    /// group-commit <see cref="EventLogWriter"/> (a hosted service that drains on stop) and the endpoint.
    /// </summary>
    public static IServiceCollection AddTailorIngestion(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(options.Limits);
        services.AddSingleton(sp => new MessageParser(options.Limits, () => sp.GetRequiredService<IdSource>().New("tailor")));
        services.AddSingleton<EventLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<EventLogWriter>());
        services.AddSingleton<IEventSink, EventLogWriterSink>();
        services.AddSingleton<IngestionEndpoint>();
        // Per-source privacy (docs/privacy.md), applied before events are stored by the tracking API and connector sources alike.
        // Unset, the pseudonym key is derived from the privacy key ring, so pseudonyms stay the same across restarts and nodes.
        services.AddSingleton(sp => Application.Sources.PseudonymKey.From(options.Privacy.PseudonymKey, sp.GetRequiredService<Core.Privacy.PrivacyKeyRing>()));
        services.AddSingleton(sp =>
        {
            var policies = ActivatorUtilities.CreateInstance<Application.Sources.SourcePolicies>(sp);
            policies.Counted = Observability.TailorMetrics.SourcePolicyApplied;
            return policies;
        });
        return services;
    }
}
