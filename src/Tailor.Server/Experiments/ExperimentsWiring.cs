using Tailor.Application.Experiments;

namespace Tailor.Server.Experiments;

/// <summary>Wires experiments (docs/experiments.md).</summary>
public static class ExperimentsWiring
{
    /// <summary>The running-experiment cache, the assigner, serving (personalize, flags), the experiment use cases and the experiments follower.</summary>
    public static IServiceCollection AddTailorExperiments(this IServiceCollection services)
    {
        services.AddSingleton<RunningExperiments>();
        services.AddSingleton<ExperimentAssigner>();
        services.AddSingleton<ExperimentServing>();
        services.AddSingleton<JourneyExperiments>(); // journey steps under test (read by the trigger engine)
        services.AddSingleton<ExperimentOperations>();
        services.AddSingleton<ExperimentTallies>();
        services.AddSingleton<Pipeline.ILogFollower, ExperimentFollower>(); // keeps results current as events arrive
        return services;
    }
}
