using Tailor.Analytics.Experiments;
using Tailor.Core.Experiments;
using CoreSums = Tailor.Core.Experiments.ArmSums;
using StatsSums = Tailor.Analytics.Experiments.ArmSums;
using StatsKind = Tailor.Analytics.Experiments.MetricKind;

namespace Tailor.Application.Experiments;

/// <summary>
/// Hands an experiment's per-arm sums to the statistics (<see cref="ExperimentAnalyzer"/>, docs/experiments.md
/// "Statistics"): conversion and click-through as rates, count and sum as means, ratio as ratios; the pre-exposure
/// covariate for CUPED on rates, means and ratios (for a ratio, its pre-period numerator and denominator). The control is the first variant; the holdout, when any, is one more arm
/// — except for a campaign with a holdout, where the holdout (sent nothing) is the control every variant is compared with.
/// </summary>
public static class ExperimentStatistics
{
    /// <summary>The analysis, or the problem that keeps the sums from being analysed (e.g. an arm without units yet).</summary>
    public static (ExperimentAnalysis? Analysis, InputProblem? Problem) Analyze(ExperimentResults results, AnalysisOptions options)
    {
        var d = results.Experiment.Definition;
        if (results.Metrics.Count == 0) return (null, new InputProblem("metrics", "the experiment has no metric to analyse"));
        var control = d.Subject.Kind == SubjectKind.Campaign && d.Holdout > 0 ? ExperimentArms.Holdout : d.Variants[0].Key;
        var sums = new ExperimentSums(control, d.Arms().Select(a => new ArmAllocation(a.Arm, a.Weight)).ToArray(),
            results.Metrics.Select(m => new MetricSums(m.Metric.Name, Kind(m.Metric.Kind), m.Arms.Select(a => Convert(m.Metric.Kind, a)).ToArray())).ToArray());
        if (ExperimentAnalyzer.Validate(sums, options) is { } problem) return (null, problem);
        return (ExperimentAnalyzer.Analyze(sums, options), null);
    }

    /// <summary>The analysis options a definition states: its method (default sequential) and its planned sample size.</summary>
    public static AnalysisOptions Options(ExperimentDefinition d) => new()
    {
        Method = d.Method switch { "fixedHorizon" => TestMethod.FixedHorizon, "bayesian" => TestMethod.Bayesian, _ => TestMethod.Sequential },
        PlannedUnits = d.PlannedUnits,
    };

    private static StatsKind Kind(Core.Experiments.MetricKind kind) => kind switch
    {
        Core.Experiments.MetricKind.Conversion or Core.Experiments.MetricKind.ClickThrough => StatsKind.Rate,
        Core.Experiments.MetricKind.Ratio => StatsKind.Ratio,
        _ => StatsKind.Mean,
    };

    private static StatsSums Convert(Core.Experiments.MetricKind kind, CoreSums a) => Kind(kind) switch
    {
        StatsKind.Rate => new StatsSums(a.Arm, a.Units)
        {
            Conversions = (long)Math.Round(a.Sum), Sum = a.Sum, SumOfSquares = a.SumSquares,
            CovariateSum = a.CovariateSum, CovariateSumOfSquares = a.CovariateSumSquares, ValueCovariateProducts = a.CrossProduct,
        },
        StatsKind.Mean => new StatsSums(a.Arm, a.Units)
        {
            Sum = a.Sum, SumOfSquares = a.SumSquares,
            CovariateSum = a.CovariateSum, CovariateSumOfSquares = a.CovariateSumSquares, ValueCovariateProducts = a.CrossProduct,
        },
        _ => new StatsSums(a.Arm, a.Units)
        {
            Sum = a.Sum, SumOfSquares = a.SumSquares, DenominatorSum = a.DenominatorSum, DenominatorSumOfSquares = a.DenominatorSumSquares,
            NumeratorDenominatorProducts = a.NumeratorDenominatorCross,
            // CUPED for ratios: the same ratio over the lookback (pre-period numerator x and denominator xd per unit).
            CovariateSum = a.CovariateSum, CovariateSumOfSquares = a.CovariateSumSquares, ValueCovariateProducts = a.CrossProduct,
            CovariateDenominatorSum = a.CovariateDenominatorSum, CovariateDenominatorSumOfSquares = a.CovariateDenominatorSumSquares,
            CovariateNumeratorDenominatorProducts = a.CovariateNumeratorDenominatorCross, NumeratorCovariateDenominatorProducts = a.NumeratorCovariateDenominatorCross,
            DenominatorCovariateProducts = a.DenominatorCovariateCross, DenominatorCovariateDenominatorProducts = a.DenominatorCovariateDenominatorCross,
        },
    };
}
