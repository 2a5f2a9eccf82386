namespace Tailor.Analytics.Charts;

/// <summary>One named set of bars for a bar chart: one value per category, drawn side by side with the other groups.</summary>
public sealed record BarGroup(string Label, IReadOnlyList<double> Values);
