using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application;
using Tailor.Application.Merges;

namespace Tailor.Server.Profiles;

/// <summary>Registers the merge use cases the API calls.</summary>
public static class MergesWiring
{
    public static IServiceCollection AddMerges(this IServiceCollection services)
    {
        services.TryAddSingleton<IdSource>();
        services.AddSingleton<MergeOperations>();
        return services;
    }
}
