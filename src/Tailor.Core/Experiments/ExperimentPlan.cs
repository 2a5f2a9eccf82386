namespace Tailor.Core.Experiments;

/// <summary>
/// What the experiment must be able to detect, from which its planned sample size is computed when it is created
/// (docs/experiments.md, "Planning"); the primary metric's kind decides the formula (a rate for conversion and
/// click-through, else a mean, which needs <see cref="StandardDeviation"/>). Unset fields take the planner's defaults.
/// </summary>
/// <param name="Baseline">The control's rate or mean.</param>
/// <param name="MinimumDetectableEffect">The smallest lift worth detecting: relative (0.1 = +10%, the default) or absolute.</param>
public sealed record ExperimentPlan(double Baseline, double MinimumDetectableEffect, double? StandardDeviation = null, bool? RelativeEffect = null,
    double? Alpha = null, double? Power = null, double? DailyUnits = null);
