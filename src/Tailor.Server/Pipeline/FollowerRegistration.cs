using Tailor.Application.DeadLetters;
using Tailor.Server.Campaigns;
using Tailor.Server.DeadLetters;
using Tailor.Server.Segments;
using Tailor.Server.Triggers;

namespace Tailor.Server.Pipeline;

/// <summary>Registers the background stages as followers of one <see cref="FollowerHost"/>, and their dead-letter replayers.</summary>
public static class FollowerRegistration
{
    public static IServiceCollection AddFollowers(this IServiceCollection services)
    {
        services.AddSingleton(new FollowerPolicy());
        services.AddSingleton<Core.Storage.IDeadLetterStore>(sp => sp.GetRequiredService<Core.Storage.ITailorStore>());
        services.AddSingleton<ProfilePipelineWorker>();
        services.AddSingleton<SegmentWorker>();
        // In log order: each follows what the one before it wrote.
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<ProfilePipelineWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<SegmentWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<TriggerWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<DeliveryWorker>());
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<CampaignSender>());
        services.AddSingleton<FollowerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowerHost>());
        services.AddSingleton<IDeadLetterReplayer, ProfileReplayer>();
        services.AddSingleton<IDeadLetterReplayer, SegmentReplayer>();
        services.AddSingleton<IDeadLetterReplayer, TriggerReplayer>();
        services.AddSingleton<IDeadLetterReplayer, DeliveryReplayer>();
        services.AddSingleton<IDeadLetterReplayer, CampaignReplayer>();
        services.AddSingleton<DeadLetterReplays>();
        return services;
    }
}
