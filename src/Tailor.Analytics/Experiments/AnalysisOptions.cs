namespace Tailor.Analytics.Experiments;

/// <summary>How to analyse an experiment. Every default is stated in docs/experiments.md ("Statistics").</summary>
public sealed record AnalysisOptions
{
    /// <summary>Sequential (default), fixed horizon or Bayesian.</summary>
    public TestMethod Method { get; init; } = TestMethod.Sequential;

    /// <summary>Significance level; intervals are at 1 − α (credible intervals too). Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>
    /// Sequential: the total sample size (both arms of a comparison) at which the confidence sequence is tightest,
    /// as GrowthBook's <c>sequential_tuning_parameter</c>. Default 5000.
    /// </summary>
    public double SequentialTuning { get; init; } = 5000;

    /// <summary>Bayesian: a proper normal prior on the relative lift; null (default) is a flat (improper) prior.</summary>
    public NormalPrior? Prior { get; init; }

    /// <summary>Bayesian, rates: the Beta prior of each arm's rate. Default Beta(1, 1).</summary>
    public BetaPrior RatePrior { get; init; } = new(1, 1);

    /// <summary>
    /// The planned total number of units over all arms. A fixed-horizon winner is not called before it is reached;
    /// every method reports progress against it. Null: no plan (fixed horizon then never calls a winner).
    /// </summary>
    public long? PlannedUnits { get; init; }

    /// <summary>Adjustment of p-values across every treatment arm × metric. Default Holm.</summary>
    public MultipleComparisonCorrection Correction { get; init; } = MultipleComparisonCorrection.Holm;

    /// <summary>Use the covariate sums for CUPED when every arm of a metric has them. Default true.</summary>
    public bool UseCovariate { get; init; } = true;

    /// <summary>The sample-ratio-mismatch χ² p-value under which the test is flagged as broken. Default 0.001.</summary>
    public double SrmThreshold { get; init; } = 0.001;
}
