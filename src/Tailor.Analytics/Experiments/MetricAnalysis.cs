namespace Tailor.Analytics.Experiments;

/// <summary>One metric's result: each arm's estimate and each treatment's comparison with control.</summary>
public sealed record MetricAnalysis(string Name, MetricKind Kind, bool HigherIsBetter, IReadOnlyList<ArmEstimate> Arms, IReadOnlyList<Comparison> Comparisons);
