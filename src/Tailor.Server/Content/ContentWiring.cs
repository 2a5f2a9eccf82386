using Tailor.Application.Content;
using Tailor.Core.Content;
using Tailor.Server.Hosting;

namespace Tailor.Server.Content;

/// <summary>Wires content and personalization (docs/content.md).</summary>
public static class ContentWiring
{
    /// <summary>The definition limits and render budget, the Liquid engine, the content catalog, profile scopes, popular items, the renderer, and the content use cases (saves, previews).</summary>
    public static IServiceCollection AddTailorContent(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(options.Definitions);
        services.AddSingleton(options.RenderBudget);
        services.AddSingleton<LiquidEngine>();
        services.AddSingleton<ContentCatalog>();
        services.AddSingleton<PopularItemsSource>();
        services.AddSingleton<RecommendationsSource>();
        services.AddSingleton<ProfileScopes>();
        services.AddSingleton<ContentRenderer>();
        services.AddSingleton<ContentOperations>();
        services.AddSingleton<ContentPreview>();
        services.AddSingleton<TemplatePreviews>();
        services.AddSingleton<ContentBlocks>();
        return services;
    }
}
