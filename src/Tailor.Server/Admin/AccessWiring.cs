using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application.Access;

namespace Tailor.Server.Admin;

/// <summary>Registers the access use cases: sources and write keys, admin keys, the identity-verification secret.</summary>
public static class AccessWiring
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.TryAddSingleton<AccessOperations>();
        services.TryAddSingleton<IdentitySecret>();
        return services;
    }
}
