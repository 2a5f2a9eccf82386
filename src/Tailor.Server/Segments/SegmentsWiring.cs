using Tailor.Application.Segments;

namespace Tailor.Server.Segments;

/// <summary>Wires segments (docs/segments.md).</summary>
public static class SegmentsWiring
{
    /// <summary>The segment engine (under the definition limits), the segment use cases, the live membership feed and the recompute tracker (a hosted service).</summary>
    public static IServiceCollection AddTailorSegments(this IServiceCollection services)
    {
        services.AddSingleton<SegmentEngine>();
        services.AddSingleton<SegmentOperations>();
        services.AddSingleton<MembershipFeed>();
        services.AddSingleton<RecomputeTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<RecomputeTracker>()); // stops the recomputes still running
        return services;
    }
}
