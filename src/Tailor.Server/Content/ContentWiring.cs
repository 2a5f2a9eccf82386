using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application.Content;
using Tailor.Core.Storage;

namespace Tailor.Server.Content;

/// <summary>Registers the content use cases (saving templates, blocks, placements and segment values; previews) and the store role they use.</summary>
public static class ContentWiring
{
    public static IServiceCollection AddContent(this IServiceCollection services, IContentStore store)
    {
        services.TryAddSingleton(store);
        services.TryAddSingleton<ContentOperations>();
        services.TryAddSingleton<ContentPreview>();
        return services;
    }
}
