using Tailor.Application.DeadLetters;
using Tailor.Server.Campaigns;
using Tailor.Server.Cluster;
using Tailor.Server.Hosting;
using Tailor.Server.Segments;
using Tailor.Server.Triggers;

namespace Tailor.Server.Pipeline;

/// <summary>Registers the background stages as followers of one <see cref="FollowerHost"/>, and the host's wake-ups.</summary>
public static class FollowerRegistration
{
    /// <summary>
    /// The failure policy (<c>Tailor:Followers</c>), the wake-ups (with LISTEN/NOTIFY across nodes on PostgreSQL), the
    /// change feed and the relay that fills it, every follower in log order, and the host that runs them.
    /// </summary>
    public static IServiceCollection AddTailorFollowers(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(options.Followers);
        services.AddSingleton(new FollowerWakeups(acrossNodes: options.Postgres is not null));
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService<EngineChangeRelay>();
        if (options.Cluster.Enabled)
            services.AddTailorCluster(options); // RabbitMQ carries the wake-ups, and leases decide which node runs which follower
        else if (options.Postgres is { } postgres)
            services.AddHostedService(sp => ActivatorUtilities.CreateInstance<PostgresWakeups>(sp, postgres));
        services.AddSingleton(sp => new ProfilePipelineWorker(sp.GetRequiredService<Application.Pipeline.ProfilePipeline>(), sp.GetRequiredService<Core.Storage.IPositionStore>(),
            sp.GetRequiredService<Core.Storage.IEventLog>(), options.FoldPartitions));
        services.AddSingleton<SegmentWorker>();
        // In log order: each follows what the one before it wrote.
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<ProfilePipelineWorker>());
        for (var k = 0; k < options.FoldPartitions && options.FoldPartitions > 1; k++)
        {
            var index = k; // the k-th FoldPartition registered (ProfilesWiring), after the identity stage
            services.AddSingleton<ILogFollower>(sp => ActivatorUtilities.CreateInstance<FoldPartitionWorker>(sp, sp.GetServices<Application.Pipeline.FoldPartition>().ElementAt(index)));
        }
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<SegmentWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<TriggerWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<DeliveryWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<CampaignSender>());
        services.AddSingleton<FollowerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowerHost>());
        return services;
    }
}
