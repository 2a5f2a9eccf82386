using Tailor.Application.DeadLetters;
namespace Tailor.Server.DeadLetters;

/// <summary>Wires the dead letters every stage sets aside, and their replay (docs/operations.md).</summary>
public static class DeadLettersWiring
{
    /// <summary>A replayer per follower stage and <see cref="DeadLetterReplays"/>, which picks one by stage.</summary>
    public static IServiceCollection AddTailorDeadLetters(this IServiceCollection services)
    {
        services.AddSingleton<IDeadLetterReplayer, ProfileReplayer>();
        services.AddSingleton<IDeadLetterReplayer, SegmentReplayer>();
        services.AddSingleton<IDeadLetterReplayer, TriggerReplayer>();
        services.AddSingleton<IDeadLetterReplayer, DeliveryReplayer>();
        services.AddSingleton<IDeadLetterReplayer, CampaignReplayer>();
        services.AddSingleton<DeadLetterReplays>();
        return services;
    }
}
