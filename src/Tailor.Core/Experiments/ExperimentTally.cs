namespace Tailor.Core.Experiments;

/// <summary>An experiment's units per arm and each metric's per-arm sums, as results read them.</summary>
/// <param name="Metrics">Per metric name: the sums of the arms that have units.</param>
public sealed record ExperimentTally(ExposureSummary Exposures, IReadOnlyDictionary<string, IReadOnlyList<ArmSums>> Metrics);
