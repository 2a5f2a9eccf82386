using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application.Content;
using Tailor.Core.Storage;

namespace Tailor.Server.Content;

/// <summary>Registers the content use cases (templates, blocks, placements, segment values) and the store role they use.</summary>
public static class ContentWiring
{
    public static IServiceCollection AddContent(this IServiceCollection services, IContentStore store)
    {
        services.TryAddSingleton(store);
        services.TryAddSingleton<ContentOperations>();
        return services;
    }
}
