using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application;
using Tailor.Application.Segments;

namespace Tailor.Server.Segments;

/// <summary>Registers the segment use cases the API calls (the engine, its worker and the recompute tracker are the host's).</summary>
public static class SegmentsWiring
{
    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        services.TryAddSingleton<IdSource>();
        services.AddSingleton<SegmentOperations>();
        return services;
    }
}
