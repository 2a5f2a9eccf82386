using Tailor.Core.Experiments;

namespace Tailor.Application.Experiments;

/// <summary>What an experiment's results hold before statistics: the units per arm and each metric's per-arm sums.</summary>
/// <param name="Segment">The segment the units were restricted to (its current members), or null for all.</param>
public sealed record ExperimentResults(Experiment Experiment, string? Segment, ExposureSummary Exposures, IReadOnlyList<MetricResult> Metrics, DateTimeOffset ComputedAt);

/// <param name="Effects">For a multivariate test: the main effects and interactions, from the cell means.</param>
public sealed record MetricResult(ExperimentMetric Metric, MetricRole Role, IReadOnlyList<ArmSums> Arms, IReadOnlyList<FactorialEffect>? Effects);
