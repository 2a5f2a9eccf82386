using Tailor.Application.Experiments;

namespace Tailor.Server.Experiments;

/// <summary>Wires experiments (docs/experiments.md).</summary>
public static class ExperimentsWiring
{
    /// <summary>The running-experiment cache, the assigner, serving (personalize, flags) and the experiment use cases.</summary>
    public static IServiceCollection AddTailorExperiments(this IServiceCollection services)
    {
        services.AddSingleton<RunningExperiments>();
        services.AddSingleton<ExperimentAssigner>();
        services.AddSingleton<ExperimentServing>();
        services.AddSingleton<ExperimentOperations>();
        return services;
    }
}
