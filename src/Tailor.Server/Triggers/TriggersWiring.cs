using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application;
using Tailor.Application.Triggers;

namespace Tailor.Server.Triggers;

/// <summary>Registers the trigger use cases the API calls, waking this node's trigger and delivery followers after a change.</summary>
public static class TriggersWiring
{
    public static IServiceCollection AddTriggers(this IServiceCollection services)
    {
        services.TryAddSingleton<IdSource>();
        services.AddSingleton(sp => new TriggerWakeups(() => sp.GetRequiredService<TriggerWorker>().Wake(), () => sp.GetRequiredService<DeliveryWorker>().Wake()));
        services.AddSingleton<TriggerOperations>();
        return services;
    }
}
