namespace Tailor.Analytics.Experiments;

/// <summary>The planned sample size, named by its formula, and how long it takes at the given traffic.</summary>
/// <param name="Formula">The formula in words.</param>
/// <param name="AlphaPerComparison">α after the Bonferroni split.</param>
/// <param name="Comparisons">The comparisons α was split over.</param>
/// <param name="ExactUnitsPerArm">The formula's value before rounding up.</param>
/// <param name="UnitsPerArm">Units each arm needs (rounded up).</param>
/// <param name="TotalUnits">UnitsPerArm × variants.</param>
/// <param name="Days">TotalUnits / daily units, rounded up; null without traffic.</param>
public sealed record SamplePlan(string Formula, double AlphaPerComparison, int Comparisons, double ExactUnitsPerArm, long UnitsPerArm, long TotalUnits, int? Days);
