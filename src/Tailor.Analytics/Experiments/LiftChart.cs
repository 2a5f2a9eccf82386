using System.Globalization;
using ScottPlot;
using Tailor.Analytics.Charts;

namespace Tailor.Analytics.Experiments;

/// <summary>
/// One chart per metric: each treatment's relative lift against control as a point with its interval (confidence,
/// always-valid or credible, as the method gives), and the zero line, so "does the interval cross zero" is seen at once.
/// Drawn with ScottPlot directly because the shared <see cref="ChartRenderer"/> has no intervals; returns the shared <see cref="Chart"/>.
/// </summary>
public static class LiftChart
{
    /// <summary>Charts every metric of <paramref name="analysis"/>, named <c>lift-1</c>, <c>lift-2</c>, … in metric order.</summary>
    public static IReadOnlyList<Chart> Render(ExperimentAnalysis analysis, int width = ChartRenderer.DefaultWidth, int height = ChartRenderer.DefaultHeight) =>
        [.. analysis.Metrics.Select((m, i) => Render($"lift-{i + 1}", m, analysis.Method, analysis.Alpha, width, height))];

    /// <summary>Charts one metric.</summary>
    public static Chart Render(string name, MetricAnalysis metric, TestMethod method, double alpha, int width = ChartRenderer.DefaultWidth, int height = ChartRenderer.DefaultHeight)
    {
        var plot = new Plot();
        string level = ((1 - alpha) * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        string kind = method switch
        {
            TestMethod.Sequential => "always-valid confidence interval",
            TestMethod.Bayesian => "credible interval",
            _ => "confidence interval",
        };
        string control = metric.Comparisons.Count > 0 ? metric.Comparisons[0].Control : "control";
        plot.Title($"{metric.Name}: relative lift vs {control}");
        plot.YLabel($"relative lift (%), {level} {kind}");
        var zero = plot.Add.HorizontalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.Color = Colors.Gray;
        var palette = new ScottPlot.Palettes.Category10();
        var positions = new double[metric.Comparisons.Count];
        var labels = new string[metric.Comparisons.Count];
        for (int i = 0; i < metric.Comparisons.Count; i++)
        {
            var c = metric.Comparisons[i];
            var color = c.Verdict switch
            {
                Verdict.Wins => palette.GetColor(2),
                Verdict.Loses => palette.GetColor(3),
                _ => palette.GetColor(0),
            };
            var interval = c.RelativeLift.Interval;
            var line = plot.Add.Line(i, interval.Lower * 100, i, interval.Upper * 100);
            line.LineWidth = 3;
            line.Color = color;
            var point = plot.Add.Marker(i, c.RelativeLift.Value * 100);
            point.Size = 10;
            point.Color = color;
            positions[i] = i;
            labels[i] = $"{c.Arm} ({c.Verdict})";
        }
        plot.Axes.Bottom.SetTicks(positions, labels);
        plot.Axes.SetLimitsX(-0.75, Math.Max(metric.Comparisons.Count - 0.25, 0.75));
        return new Chart(name, plot.GetSvgXml(width, height));
    }
}
