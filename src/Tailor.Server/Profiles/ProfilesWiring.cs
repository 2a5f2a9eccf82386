using Tailor.Application;
using Tailor.Application.Merges;
using Tailor.Application.Pipeline;
using Tailor.Application.Profiles;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Profiles;

/// <summary>Wires profiles: the fold of events into profiles and the writer of profile events (docs/profiles.md).</summary>
public static class ProfilesWiring
{
    /// <summary>The reducer (engagement weights, merge guards, caps), the profile pipeline, <see cref="ProfileEventWriter"/>, the profile and merge use cases.</summary>
    public static IServiceCollection AddTailorProfiles(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(new ProfileReducer(options.Engagement) { Limits = options.Profiles });
        services.AddSingleton(sp => new ProfilePipeline(sp.GetRequiredService<IEventLog>(), sp.GetRequiredService<IPositionStore>(),
            sp.GetRequiredService<IProfileStore>(), sp.GetRequiredService<IMergeStore>(), sp.GetRequiredService<ITriggerStore>(), sp.GetRequiredService<ProfileReducer>(),
            sp.GetRequiredService<TimeProvider>(), probe: sp.GetService<IStageProbe>(),
            suppressions: sp.GetService<Application.Privacy.SuppressionFilter>(), stage: options.FoldPartitions > 1 ? FoldStage.Identities : FoldStage.Whole));
        // Split, the partitions reduce after the identity stage; their changes reach the caches as the whole fold's do.
        for (var k = 0; k < options.FoldPartitions && options.FoldPartitions > 1; k++)
        {
            var index = k;
            services.AddSingleton(sp =>
            {
                var partition = new FoldPartition(index, options.FoldPartitions, sp.GetRequiredService<IEventLog>(), sp.GetRequiredService<IPositionStore>(),
                    sp.GetRequiredService<IProfileStore>(), sp.GetRequiredService<ProfileReducer>(), sp.GetRequiredService<TimeProvider>(), probe: sp.GetService<IStageProbe>());
                var pipeline = sp.GetRequiredService<ProfilePipeline>();
                partition.ProfilesChanged += pipeline.Announce;
                pipeline.Attach(partition); // paused with the identity stage by an erasure
                return partition;
            });
        }
        services.AddSingleton<ProfileEventWriter>();
        services.AddSingleton<ProfileOperations>();
        services.AddSingleton<MergeOperations>();
        return services;
    }
}
