using Tailor.Analytics.Experiments;

namespace Tailor.Application.Experiments;

/// <summary>
/// The body of <c>POST /api/experiments/analyze</c> and the JSON file of <c>tailor experiments analyze</c>: an
/// experiment's per-arm sufficient statistics and, optionally, how to analyse them (defaults in docs/experiments.md).
/// </summary>
public sealed record AnalyzeRequest(string? Control, IReadOnlyList<ArmAllocation>? Arms, IReadOnlyList<MetricSums>? Metrics, AnalysisOptions? Options)
{
    /// <summary>The sums as the statistics take them (nulls are refused by validation).</summary>
    public ExperimentSums ToSums() => new(Control ?? "", Arms!, Metrics!);
}
