namespace Tailor.Analytics.Experiments;

/// <summary>One arm's estimate of a metric: the mean (rate, mean or ratio) and its variance per unit.</summary>
/// <param name="Arm">The arm's name.</param>
/// <param name="Units">Units in the arm.</param>
/// <param name="Value">The metric: conversions/units, Σ value/units, or Σ numerator/Σ denominator.</param>
/// <param name="StandardError">Standard error of <paramref name="Value"/> (delta method for ratios), CUPED-adjusted when used.</param>
/// <param name="Interval">A (1 − α) normal interval on the value, for the chart.</param>
public sealed record ArmEstimate(string Arm, long Units, double Value, double StandardError, Interval Interval);
