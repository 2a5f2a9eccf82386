using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application.Campaigns;

namespace Tailor.Server.Campaigns;

/// <summary>Registers the campaign use cases and the starter the sender shares.</summary>
public static class CampaignsWiring
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.TryAddSingleton<CampaignStarter>();
        services.TryAddSingleton<CampaignOperations>();
        return services;
    }
}
