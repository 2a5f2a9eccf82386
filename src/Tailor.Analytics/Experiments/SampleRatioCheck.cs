namespace Tailor.Analytics.Experiments;

/// <summary>
/// Sample ratio mismatch: Pearson's χ² goodness of fit of the observed units per arm against the planned allocation.
/// Shown at any p; <see cref="Mismatch"/> when p is below the threshold (0.001 by default).
/// </summary>
/// <param name="Observed">Units per arm, in the order of the arms.</param>
/// <param name="Expected">Units per arm the allocation predicts: total × share.</param>
/// <param name="ChiSquare">Σ (observed − expected)² / expected.</param>
/// <param name="DegreesOfFreedom">Arms − 1.</param>
/// <param name="PValue">P(χ²(df) ≥ statistic).</param>
/// <param name="Mismatch">True when <paramref name="PValue"/> is below the threshold.</param>
/// <param name="LikelyCauses">What usually causes a mismatch, worth checking; empty when there is none.</param>
public sealed record SampleRatioCheck(
    IReadOnlyList<long> Observed,
    IReadOnlyList<double> Expected,
    double ChiSquare,
    int DegreesOfFreedom,
    double PValue,
    bool Mismatch,
    IReadOnlyList<string> LikelyCauses);
