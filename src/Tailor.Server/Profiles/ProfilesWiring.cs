using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application;
using Tailor.Application.Profiles;

namespace Tailor.Server.Profiles;

/// <summary>Registers the profile use cases and the id source the events Tailor writes on profiles take their messageIds from.</summary>
public static class ProfilesWiring
{
    public static IServiceCollection AddProfiles(this IServiceCollection services)
    {
        services.TryAddSingleton<IdSource>();
        services.TryAddSingleton<ProfileOperations>();
        return services;
    }
}
