namespace Tailor.Analytics.Charts;

/// <summary>One named series of points for a line or scatter chart; <paramref name="X"/> and <paramref name="Y"/> have the same length.</summary>
public sealed record ChartSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);
