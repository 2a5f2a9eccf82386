using Tailor.Application.Campaigns;
using Tailor.Core.Messaging;
using Tailor.Server.Hosting;
using Tailor.Server.Messaging;

namespace Tailor.Server.Campaigns;

/// <summary>Wires email and campaigns (docs/campaigns.md).</summary>
public static class CampaignsWiring
{
    /// <summary>The email sender (SMTP when configured), email links, email composition, the campaign use cases, starter and sender.</summary>
    public static IServiceCollection AddTailorCampaigns(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton<IEmailSender>(options.Smtp is { Length: > 0 } smtp
            ? new SmtpEmailSender(SmtpEndpoint.Parse(smtp), email: options.Email)
            : new UnconfiguredEmailSender());
        services.AddSingleton<EmailLinks>();
        services.AddSingleton<CampaignStarter>();
        services.AddSingleton<CampaignOperations>();
        services.AddSingleton<CampaignMessages>();
        services.AddSingleton<EmailStatsOperations>();
        services.AddSingleton<ProfileSends>();
        services.AddSingleton<CampaignSender>();
        return services;
    }
}
