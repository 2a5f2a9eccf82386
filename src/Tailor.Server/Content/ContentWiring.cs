using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application.Content;

namespace Tailor.Server.Content;

/// <summary>Registers the content use cases: saving templates, blocks, placements and segment values; previews.</summary>
public static class ContentWiring
{
    public static IServiceCollection AddContent(this IServiceCollection services)
    {
        services.TryAddSingleton<ContentOperations>();
        services.TryAddSingleton<ContentPreview>();
        return services;
    }
}
