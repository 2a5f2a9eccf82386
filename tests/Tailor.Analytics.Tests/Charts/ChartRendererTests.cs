using System.Xml.Linq;
using Tailor.Analytics.Charts;

namespace Tailor.Analytics.Tests.Charts;

public sealed class ChartRendererTests
{
    private static readonly ChartText Text = new("Elbow of the clusters", "clusters (k)", "within-cluster sum of squares");

    // Also proves ScottPlot's native Skia library loads on this platform (the SVG is drawn through it).
    [Fact]
    public void A_line_chart_is_an_svg_document_with_its_title_axis_labels_and_legend()
    {
        var chart = ChartRenderer.Line("elbow", Text,
        [
            new ChartSeries("inertia", [2, 3, 4], [90, 40, 35]),
            new ChartSeries("silhouette", [2, 3, 4], [0.5, 0.7, 0.6]),
        ], width: 640, height: 480);

        var svg = XDocument.Parse(chart.Svg).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal("640", svg.Attribute("width")!.Value);
        Assert.Equal("480", svg.Attribute("height")!.Value);
        var words = string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + " "));
        Assert.Contains("Elbow of the clusters", words);
        Assert.Contains("clusters (k)", words);
        Assert.Contains("within-cluster sum of squares", words);
        Assert.Contains("silhouette", words);
        Assert.Equal("elbow.svg", chart.FileName);
        Assert.Equal("image/svg+xml", Chart.SvgMediaType);
        Assert.Equal(chart.Svg, System.Text.Encoding.UTF8.GetString(chart.Bytes()));
    }

    [Fact]
    public void A_bar_chart_labels_each_category_and_names_each_group()
    {
        var chart = ChartRenderer.Bar("profile", new ChartText("Cluster profiles", "feature", "z-score"),
            ["recency", "frequency", "monetary"],
            [new BarGroup("Champions", [-1.2, 1.5, 1.4]), new BarGroup("Lapsed", [1.1, -0.7, -0.6])]);

        var words = TextOf(chart);
        foreach (var expected in new[] { "recency", "frequency", "monetary", "Champions", "Lapsed", "Cluster profiles" })
        {
            Assert.Contains(expected, words);
        }
    }

    [Fact]
    public void A_scatter_chart_draws_one_series_per_group()
    {
        var chart = ChartRenderer.Scatter("pca", new ChartText("PCA", "PC1", "PC2"),
            [new ChartSeries("A", [0, 1], [0, 1]), new ChartSeries("B", [5, 6], [5, 6])]);

        var words = TextOf(chart);
        Assert.Contains("PC1", words);
        Assert.Contains("B", words);
    }

    [Fact]
    public void Mismatched_inputs_are_refused_with_the_series_named()
    {
        var line = Assert.Throws<ArgumentException>(() => ChartRenderer.Line("x", Text, [new ChartSeries("bad", [1, 2], [1])]));
        Assert.Contains("bad", line.Message);
        var bar = Assert.Throws<ArgumentException>(() => ChartRenderer.Bar("x", Text, ["a", "b"], [new BarGroup("short", [1])]));
        Assert.Contains("short", bar.Message);
    }

    private static string TextOf(Chart chart) =>
        string.Concat(XDocument.Parse(chart.Svg).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + " "));
}
