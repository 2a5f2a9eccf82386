using Tailor.Application;
using Tailor.Application.Triggers;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Hosting;

namespace Tailor.Server.Triggers;

/// <summary>Wires triggers and their deliveries (docs/triggers.md).</summary>
public static class TriggersWiring
{
    /// <summary>The trigger engine (with the global caps), the retry policy of deliveries, the trigger and delivery followers.</summary>
    public static IServiceCollection AddTailorTriggers(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(sp => new TriggerEngine(sp.GetRequiredService<ITriggerStore>(), sp.GetRequiredService<ISegmentStore>(),
            sp.GetRequiredService<IProfileStore>(), sp.GetRequiredService<IPositionStore>(), sp.GetRequiredService<IContactLog>(),
            sp.GetRequiredService<TimeProvider>(), () => sp.GetRequiredService<IdSource>().New("run"), GlobalCaps.Parse(options.Caps), sp.GetService<IStageProbe>()));
        services.AddSingleton(new RetryPolicy(new Random()));
        services.AddSingleton<DeliveryWorker>();
        services.AddSingleton<TriggerWorker>();
        return services;
    }
}
