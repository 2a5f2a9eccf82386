namespace Tailor.Analytics.Experiments;

/// <summary>One treatment arm against the control on one metric.</summary>
/// <param name="Arm">The treatment arm.</param>
/// <param name="Control">The control arm.</param>
/// <param name="Statistic">The statistic named by its formula, e.g. "Welch t on relative lift, delta-method variance".</param>
/// <param name="AbsoluteLift">Treatment − control, with its interval.</param>
/// <param name="RelativeLift">(Treatment − control) / control, with its interval (delta method).</param>
/// <param name="TestStatistic">The z or t value of the relative lift (frequentist); null for Bayesian or when it cannot be computed.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom when a t distribution is used; null for z.</param>
/// <param name="PValue">Raw two-sided p-value of the relative lift (always-valid when sequential); null for Bayesian.</param>
/// <param name="AdjustedPValue">After <see cref="AnalysisOptions.Correction"/>; null for Bayesian.</param>
/// <param name="Cuped">What CUPED did, when it was used.</param>
/// <param name="Bayesian">The Bayesian reading, when the method is Bayesian.</param>
/// <param name="Verdict">The call for this comparison.</param>
/// <param name="Decision">The call in words: "B beats A on conversion: +12.3% relative, 95% CI [+4.1%, +20.5%], p = 0.003".</param>
public sealed record Comparison(
    string Arm,
    string Control,
    string Statistic,
    LiftEstimate AbsoluteLift,
    LiftEstimate RelativeLift,
    double? TestStatistic,
    double? DegreesOfFreedom,
    double? PValue,
    double? AdjustedPValue,
    CupedAdjustment? Cuped,
    BayesianResult? Bayesian,
    Verdict Verdict,
    string Decision);
