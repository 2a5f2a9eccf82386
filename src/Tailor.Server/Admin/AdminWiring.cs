using Tailor.Application.Access;

namespace Tailor.Server.Admin;

/// <summary>Wires access: sources, write keys and admin keys (docs/security.md).</summary>
public static class AdminWiring
{
    /// <summary>The key checks shared by ingestion and the admin API guard, and the access use cases (sources, keys, the identity secret).</summary>
    public static IServiceCollection AddTailorAdmin(this IServiceCollection services)
    {
        services.AddSingleton<AccessKeys>();
        services.AddSingleton<AccessOperations>();
        services.AddSingleton<IdentitySecret>();
        return services;
    }
}
