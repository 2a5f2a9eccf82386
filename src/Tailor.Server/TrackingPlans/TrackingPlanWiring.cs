using Tailor.Application.DeadLetters;
using Tailor.Application.TrackingPlans;
using Tailor.Server.DeadLetters;

namespace Tailor.Server.TrackingPlans;

/// <summary>Wires the tracking plan (docs/tracking-plan.md).</summary>
public static class TrackingPlanWiring
{
    /// <summary>Its compiled snapshot, the ingestion gate, the editor (API) and the dead-letter replay of blocked events.</summary>
    public static IServiceCollection AddTailorTrackingPlan(this IServiceCollection services)
    {
        services.AddSingleton<TrackingPlanCache>();
        services.AddSingleton<TrackingPlanGate>();
        services.AddSingleton<TrackingPlanEditor>();
        services.AddSingleton<IDeadLetterReplayer, TrackingPlanReplayer>();
        return services;
    }
}
