namespace Tailor.Application.Analytics;

/// <summary>How far a run is: the stage it is in (e.g. "reading orders", "k = 5") and the fraction done overall (0…1).</summary>
public readonly record struct AnalyticsProgress(string Stage, double Fraction);
