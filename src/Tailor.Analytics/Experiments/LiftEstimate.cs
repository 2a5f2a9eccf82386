namespace Tailor.Analytics.Experiments;

/// <summary>A lift (treatment − control, absolute or relative to control) with its standard error and interval.</summary>
/// <param name="Value">Point estimate: B − A, or (B − A) / A for relative lift.</param>
/// <param name="StandardError">The estimate's standard error (delta method for relative lift and ratios).</param>
/// <param name="Interval">At 1 − α: a confidence interval, a confidence sequence (sequential) or a credible interval (Bayesian).</param>
public sealed record LiftEstimate(double Value, double StandardError, Interval Interval)
{
    /// <summary>The test of this lift against zero, named ("two-proportion z test, pooled variance under H0", "Welch t").</summary>
    public string? Statistic { get; init; }

    /// <summary>The z or t value of that test.</summary>
    public double? TestStatistic { get; init; }

    /// <summary>Its two-sided p-value (not adjusted for multiple comparisons).</summary>
    public double? PValue { get; init; }
}
