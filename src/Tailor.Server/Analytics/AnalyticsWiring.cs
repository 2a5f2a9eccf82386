using Tailor.Application.Analytics;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Analytics;

/// <summary>Wires analytics (docs/analytics.md): the jobs, the run use case, score write-back and the runner.</summary>
public static class AnalyticsWiring
{
    /// <summary>The jobs and what runs them; the same registrations serve the server and the CLI (<c>tailor analytics</c>).</summary>
    public static IServiceCollection AddTailorAnalyticsJobs(this IServiceCollection services)
    {
        // One line per kind of job.
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Rfm.RfmJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Lifetime.ClvJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Propensity.PropensityJob>();
        services.AddSingleton<AnalyticsRuns>();
        services.AddSingleton<AnalyticsSchedules>();
        services.AddSingleton<ScoreWriter>();
        return services;
    }

    /// <summary>The jobs plus the follower that runs the runs the API queues.</summary>
    public static IServiceCollection AddTailorAnalytics(this IServiceCollection services)
    {
        services.AddTailorAnalyticsJobs();
        services.AddSingleton<AnalyticsRunner>();
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<AnalyticsRunner>());
        return services;
    }
}
