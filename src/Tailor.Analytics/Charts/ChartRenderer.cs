using ScottPlot;

namespace Tailor.Analytics.Charts;

/// <summary>
/// The small chart vocabulary every analytics family shares (line, bar, scatter), drawn with ScottPlot as SVG so a
/// person can look at a run rather than read it. Each call is independent and returns a <see cref="Chart"/>; nothing is
/// cached or written to disk. A series or group whose label is empty is drawn without a legend entry; the legend is
/// shown when more than one series is named.
/// </summary>
public static class ChartRenderer
{
    /// <summary>Default width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default height in pixels.</summary>
    public const int DefaultHeight = 500;

    /// <summary>Lines through each series' points (e.g. an elbow curve: k against within-cluster sum of squares), with a marker on every point.</summary>
    public static Chart Line(string name, ChartText text, IReadOnlyList<ChartSeries> series, int width = DefaultWidth, int height = DefaultHeight)
    {
        var plot = NewPlot(text);
        foreach (var s in series)
        {
            var (xs, ys) = Points(s);
            var line = plot.Add.Scatter(xs, ys);
            line.MarkerSize = 6;
            Name(line, s.Label);
        }
        return Render(name, plot, NamedCount(series), width, height);
    }

    /// <summary>Points without lines, one colour per series (e.g. customers on the first two principal components, one series per cluster).</summary>
    public static Chart Scatter(string name, ChartText text, IReadOnlyList<ChartSeries> series, int width = DefaultWidth, int height = DefaultHeight)
    {
        var plot = NewPlot(text);
        foreach (var s in series)
        {
            var (xs, ys) = Points(s);
            var points = plot.Add.ScatterPoints(xs, ys);
            points.MarkerSize = 4;
            Name(points, s.Label);
        }
        return Render(name, plot, NamedCount(series), width, height);
    }

    /// <summary>
    /// Vertical bars, one slot per category (labelled on the horizontal axis) and within it one bar per group, side by
    /// side (e.g. feature means per cluster: categories are features, groups are clusters). Negative values hang below zero.
    /// </summary>
    public static Chart Bar(string name, ChartText text, IReadOnlyList<string> categories, IReadOnlyList<BarGroup> groups, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentOutOfRangeException.ThrowIfZero(groups.Count, nameof(groups));
        var plot = NewPlot(text);
        var palette = new ScottPlot.Palettes.Category10();
        // Each category occupies one unit on the axis; the groups share 80% of it so neighbouring categories stay apart.
        double barWidth = 0.8 / groups.Count;
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (group.Values.Count != categories.Count)
            {
                throw new ArgumentException($"group '{group.Label}' has {group.Values.Count} values for {categories.Count} categories", nameof(groups));
            }
            var color = palette.GetColor(g);
            var bars = new List<ScottPlot.Bar>(categories.Count);
            for (int c = 0; c < categories.Count; c++)
            {
                bars.Add(new ScottPlot.Bar
                {
                    Position = c - 0.4 + barWidth * (g + 0.5),
                    Value = group.Values[c],
                    Size = barWidth,
                    FillColor = color,
                    LineWidth = 0,
                });
            }
            plot.Add.Bars(bars);
            if (group.Label.Length > 0)
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = group.Label, FillColor = color });
            }
        }
        var positions = new double[categories.Count];
        for (int c = 0; c < positions.Length; c++)
        {
            positions[c] = c;
        }
        plot.Axes.Bottom.SetTicks(positions, [.. categories]);
        plot.Axes.Margins(bottom: 0);
        return Render(name, plot, plot.Legend.ManualItems.Count, width, height);
    }

    private static Plot NewPlot(ChartText text)
    {
        var plot = new Plot();
        plot.Title(text.Title);
        plot.XLabel(text.XLabel);
        plot.YLabel(text.YLabel);
        return plot;
    }

    private static Chart Render(string name, Plot plot, int namedSeries, int width, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        if (namedSeries > 1)
        {
            plot.ShowLegend(Edge.Right);
        }
        return new Chart(name, plot.GetSvgXml(width, height));
    }

    private static void Name(ScottPlot.Plottables.Scatter plottable, string label)
    {
        if (label.Length > 0)
        {
            plottable.LegendText = label;
        }
    }

    private static int NamedCount(IReadOnlyList<ChartSeries> series)
    {
        int named = 0;
        foreach (var s in series)
        {
            named += s.Label.Length > 0 ? 1 : 0;
        }
        return named;
    }

    private static (double[] X, double[] Y) Points(ChartSeries series)
    {
        if (series.X.Count != series.Y.Count)
        {
            throw new ArgumentException($"series '{series.Label}' has {series.X.Count} x values and {series.Y.Count} y values", nameof(series));
        }
        return ([.. series.X], [.. series.Y]);
    }
}
