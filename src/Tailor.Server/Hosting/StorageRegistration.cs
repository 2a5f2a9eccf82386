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
        services.AddSingleton(database);
        services.AddSingleton<ITailorStore>(database); // until its last consumers take the roles they use
        services.AddSingleton(database.Events);
        services.AddSingleton(database.Profiles);
        services.AddSingleton(database.Positions);
        services.AddSingleton(database.Access);
        services.AddSingleton(database.Segments);
        services.AddSingleton(database.Contacts);
        services.AddSingleton(database.Content);
        services.AddSingleton(database.Campaigns);
        services.AddSingleton(database.Triggers);
        services.AddSingleton(database.Merges);
        services.AddSingleton(database.DeadLetters);
        services.AddSingleton(database.TrackingPlan);
        services.TryAddSingleton(sp => new IdSource(sp.GetRequiredService<TimeProvider>())); // ids of what the handlers create
        return services;
    }
}
