namespace Tailor.Analytics.Experiments;

/// <summary>One metric of an experiment with its sufficient statistics per arm.</summary>
/// <param name="Name">The metric's name, as the decision text shows it ("conversion", "revenue per user").</param>
/// <param name="Kind">Rate, mean or ratio.</param>
/// <param name="Arms">One entry per arm of the experiment, control included.</param>
public sealed record MetricSums(string Name, MetricKind Kind, IReadOnlyList<ArmSums> Arms)
{
    /// <summary>False for metrics where a decrease is good (errors, unsubscribes, latency); the decision text follows it.</summary>
    public bool HigherIsBetter { get; init; } = true;
}
