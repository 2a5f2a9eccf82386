using Tailor.Server.Hosting;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Cluster;

/// <summary>Cluster mode (<c>Tailor:Cluster:RabbitMq</c> with PostgreSQL; docs/scale.md): the broker link, the leases, and <c>GET /api/cluster</c>.</summary>
public static class ClusterWiring
{
    public static IServiceCollection AddTailorCluster(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(options.Cluster);
        services.AddSingleton(NodeIdentity.From(options.Cluster, options.Urls));
        services.AddSingleton(new ClusterLeases(options.Postgres!));
        services.AddSingleton<BrokerLink>();
        services.AddHostedService(sp =>
        {
            // Readers keep nothing older than 1 s while other nodes' changes are not heard: the link down, or a live node silent.
            var broker = sp.GetRequiredService<BrokerLink>();
            sp.GetRequiredService<ChangeFeed>().HearsOtherNodes = () => broker.HearsEveryNode;
            return broker;
        });
        services.AddSingleton<ClusterMembership>();
        services.AddSingleton<IFollowerOwnership>(sp => sp.GetRequiredService<ClusterMembership>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        services.AddSingleton<ClusterStatus>();
        services.AddHealthChecks().AddCheck<ClusterReadiness>("cluster", tags: ["ready"]);
        return services;
    }
}
