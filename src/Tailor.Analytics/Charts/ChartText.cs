namespace Tailor.Analytics.Charts;

/// <summary>The words on a chart: its title and the labels of the horizontal and vertical axes.</summary>
public sealed record ChartText(string Title, string XLabel, string YLabel);
