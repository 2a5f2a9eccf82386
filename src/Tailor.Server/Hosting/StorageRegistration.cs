using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Application;
using Tailor.Core.Storage;
using Tailor.Storage;

namespace Tailor.Server.Hosting;

/// <summary>Registers the opened database and each storage role it hands out, so a component asks for only the role it uses.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddTailorStorage(this IServiceCollection services, TailorDatabase database)
    {
        // Owned by the container: made (tracked) with the first role asked for, so disposed after everything that uses it.
        services.AddSingleton(_ => database);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Events);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Profiles);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Privacy);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Positions);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Access);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Segments);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Contacts);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().EmailStats);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Content);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Campaigns);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Triggers);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Merges);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().DeadLetters);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().TrackingPlan);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Analytics);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Recommendations);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Experiments);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Destinations);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Audit);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Users);
        services.AddSingleton(sp => sp.GetRequiredService<TailorDatabase>().Encryption);
        services.TryAddSingleton(sp => new IdSource(sp.GetRequiredService<TimeProvider>())); // ids of what the handlers create
        return services;
    }
}
