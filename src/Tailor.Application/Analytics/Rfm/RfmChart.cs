using System.Text;
using Tailor.Core.Analytics;

namespace Tailor.Application.Analytics.Rfm;

/// <summary>The chart stored with an <c>rfm</c> run: customers per group, as a horizontal bar chart (<c>groups.svg</c>).</summary>
public static class RfmChart
{
    public static AnalyticsArtifact GroupSizes(RfmRunResult result)
    {
        var plot = new ScottPlot.Plot();
        var groups = result.Groups.ToArray();
        var bars = plot.Add.Bars(groups.Select(g => (double)g.Value).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, groups.Length).Select(i => (double)i)], [.. groups.Select(g => g.Key)]);
        plot.Title($"RFM groups ({result.Customers:N0} customers)");
        plot.XLabel("customers");
        plot.Axes.Margins(left: 0);
        return new AnalyticsArtifact("groups.svg", "image/svg+xml", Encoding.UTF8.GetBytes(plot.GetSvgXml(800, 480)));
    }
}
