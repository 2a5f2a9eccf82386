using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application;
using Tailor.Application.Campaigns;
using Tailor.Core.Storage;

namespace Tailor.Server.Campaigns;

/// <summary>Registers the campaign use cases, the starter the sender shares, and the store roles they use.</summary>
public static class CampaignsWiring
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services, ICampaignStore campaigns, IContactLog contacts)
    {
        services.TryAddSingleton(campaigns);
        services.TryAddSingleton(contacts);
        services.TryAddSingleton<IdSource>();
        services.TryAddSingleton<CampaignStarter>();
        services.TryAddSingleton<CampaignOperations>();
        return services;
    }
}
