using Tailor.Application.Experiments;
using Tailor.Core.Experiments;

namespace Tailor.Server.Experiments;

/// <summary>An experiment's results as the API answers them: units per arm and, per metric, each arm's sums and mean.</summary>
public sealed record ResultsView(string Experiment, ExperimentStatus Status, string? Segment, DateTimeOffset ComputedAt, IReadOnlyList<ArmExposures> Arms,
    long ChangedByMerge, IReadOnlyList<ResultsView.MetricView> Metrics,
    Tailor.Analytics.Experiments.ExperimentAnalysis? Statistics, Tailor.Analytics.Experiments.InputProblem? StatisticsProblem)
{
    /// <summary>With <c>?breakdown=</c>: the same results for each named segment's current members, per variant within each.</summary>
    public IReadOnlyList<ResultsView>? Breakdown { get; init; }

    /// <param name="Mean">Σy/n, or Σy/Σd for a ratio metric; null without units.</param>
    public sealed record ArmView(string Arm, double? Mean, ArmSums Sums);

    public sealed record MetricView(string Name, MetricRole Role, MetricKind Kind, IReadOnlyList<ArmView> Arms, IReadOnlyList<FactorialEffect>? Effects);

    /// <summary>
    /// The view, with the statistics by the definition's method and planned sample size (else the defaults: sequential,
    /// α = 0.05, Holm; docs/experiments.md "Statistics"), or why the sums cannot be analysed yet.
    /// </summary>
    public static ResultsView Of(ExperimentResults r)
    {
        var (analysis, problem) = ExperimentStatistics.Analyze(r, ExperimentStatistics.Options(r.Experiment.Definition));
        return new(r.Experiment.Key, r.Experiment.Status, r.Segment, r.ComputedAt, r.Exposures.Arms, r.Exposures.ChangedByMerge,
            r.Metrics.Select(m => new MetricView(m.Metric.Name, m.Role, m.Metric.Kind,
                m.Arms.Select(a => new ArmView(a.Arm, Mean(m.Metric.Kind, a), a)).ToArray(), m.Effects)).ToArray(), analysis, problem);
    }

    private static double? Mean(MetricKind kind, ArmSums a) =>
        kind == MetricKind.Ratio ? (a.DenominatorSum == 0 ? null : a.Sum / a.DenominatorSum) : a.Units == 0 ? null : a.Sum / a.Units;
}
