namespace Tailor.Analytics.Experiments;

/// <summary>What a planned test must detect: the metric's baseline, the effect, the error rates, the arms, the traffic.</summary>
/// <param name="Kind">Rate (baseline is a proportion) or mean (baseline mean and standard deviation). Ratio metrics plan as means of their linearised value.</param>
/// <param name="Baseline">The control's rate or mean.</param>
/// <param name="MinimumDetectableEffect">The smallest lift worth detecting: relative (0.1 = +10%) or absolute, by <paramref name="RelativeEffect"/>.</param>
public sealed record SamplePlanRequest(MetricKind Kind, double Baseline, double MinimumDetectableEffect)
{
    /// <summary>Means: the per-unit standard deviation (assumed equal in every arm).</summary>
    public double? StandardDeviation { get; init; }

    /// <summary>True (default): the effect is relative to the baseline; false: absolute.</summary>
    public bool RelativeEffect { get; init; } = true;

    /// <summary>Two-sided significance level before any correction. Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Power, 1 − β. Default 0.8.</summary>
    public double Power { get; init; } = 0.8;

    /// <summary>Arms, control included. Default 2.</summary>
    public int Variants { get; init; } = 2;

    /// <summary>
    /// Comparisons the significance level is shared by (Bonferroni: α / comparisons). Null (default): one per treatment
    /// arm, variants − 1; 1 states that no correction is planned.
    /// </summary>
    public int? Comparisons { get; init; }

    /// <summary>Units entering the test per day, over all arms; gives the expected duration.</summary>
    public double? DailyUnits { get; init; }
}
