namespace Tailor.Analytics.Experiments;

/// <summary>A lift (treatment − control, absolute or relative to control) with its standard error and interval.</summary>
/// <param name="Value">Point estimate: B − A, or (B − A) / A for relative lift.</param>
/// <param name="StandardError">The estimate's standard error (delta method for relative lift and ratios).</param>
/// <param name="Interval">At 1 − α: a confidence interval, a confidence sequence (sequential) or a credible interval (Bayesian).</param>
public sealed record LiftEstimate(double Value, double StandardError, Interval Interval);
