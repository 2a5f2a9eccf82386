using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Clustering;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Analytics;

/// <summary>Wires analytics (docs/analytics.md): the jobs, the run use case, score write-back and the runner.</summary>
public static class AnalyticsWiring
{
    /// <summary>The jobs and what runs them; the same registrations serve the server and the CLI (<c>tailor analytics</c>).</summary>
    public static IServiceCollection AddTailorAnalyticsJobs(this IServiceCollection services)
    {
        // One line per kind of job.
        services.AddSingleton<IAnalyticsJob, ClusterJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Rfm.RfmJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Lifetime.ClvJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Propensity.PropensityJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Recommendations.RecommendationJob>();
        services.AddSingleton<IAnalyticsJob, Tailor.Application.Analytics.Recommendations.RulesJob>();
        services.AddSingleton<AnalyticsRuns>();
        services.AddSingleton<AnalyticsSchedules>();
        services.AddSingleton<ScoreWriter>();
        return services;
    }

    /// <summary>The jobs plus the followers: the one that runs the runs the API queues, and the rfm re-scoring one.</summary>
    public static IServiceCollection AddTailorAnalytics(this IServiceCollection services)
    {
        services.AddTailorAnalyticsJobs();
        services.AddSingleton<AnalyticsRunner>();
        services.AddSingleton<ILogFollower>(sp => sp.GetRequiredService<AnalyticsRunner>());
        services.AddSingleton<Tailor.Application.Analytics.Rfm.RfmRescoring>();
        services.AddSingleton<ILogFollower, RfmFollower>(); // keeps rfm scores current as orders arrive
        return services;
    }
}
