using Tailor.Application;
using Tailor.Application.Delivery;
using Tailor.Application.Triggers;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Delivery;
using Tailor.Server.Hosting;

namespace Tailor.Server.Triggers;

/// <summary>Wires triggers and their deliveries (docs/triggers.md).</summary>
public static class TriggersWiring
{
    /// <summary>The trigger engine (with the one frequency-cap policy), the retry policy of deliveries, delivery (channels and their follower), the trigger follower and the trigger use cases.</summary>
    public static IServiceCollection AddTailorTriggers(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(sp => new TriggerEngine(sp.GetRequiredService<ITriggerStore>(), sp.GetRequiredService<ISegmentStore>(),
            sp.GetRequiredService<IProfileStore>(), sp.GetRequiredService<IPositionStore>(), sp.GetRequiredService<TimeProvider>(),
            () => sp.GetRequiredService<IdSource>().New("run"), sp.GetRequiredService<FrequencyPolicy>(), sp.GetRequiredService<ActionPayloads>(), sp.GetService<IStageProbe>(),
            sp.GetService<Application.Experiments.JourneyExperiments>()));
        services.AddSingleton(new RetryPolicy(new Random()));
        services.AddDelivery(options); // channels, the email composer, the cap policy and the delivery worker
        services.AddSingleton<TriggerWorker>();
        // The use cases wake this node's trigger and delivery followers after a change.
        services.AddSingleton(sp => new TriggerWakeups(() => sp.GetRequiredService<TriggerWorker>().Wake(), () => sp.GetRequiredService<DeliveryWorker>().Wake()));
        services.AddSingleton<TriggerOperations>();
        return services;
    }
}
