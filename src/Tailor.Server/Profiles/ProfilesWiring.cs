using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application.Profiles;

namespace Tailor.Server.Profiles;

/// <summary>Registers the profile use cases.</summary>
public static class ProfilesWiring
{
    public static IServiceCollection AddProfiles(this IServiceCollection services)
    {
        services.TryAddSingleton<ProfileOperations>();
        return services;
    }
}
