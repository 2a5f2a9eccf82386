using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class LiftChartTests
{
    [Fact]
    public void Each_metric_gets_an_svg_of_its_lifts_with_intervals_and_user_names_stay_text()
    {
        var arms = new List<ArmSums> { new("A", 4000) { Conversions = 400 }, new("B<script>", 4020) { Conversions = 470 }, new("C", 3990) { Conversions = 415 } };
        var sums = new ExperimentSums("A", [.. arms.Select(a => new ArmAllocation(a.Arm, 1))], [new MetricSums("conversion & more", MetricKind.Rate, arms)]);
        var analysis = ExperimentAnalyzer.Analyze(sums, new AnalysisOptions());
        var chart = Assert.Single(LiftChart.Render(analysis));
        Assert.Equal("lift-1.svg", chart.FileName);
        Assert.Contains("<svg", chart.Svg);
        Assert.Contains("always-valid confidence interval", chart.Svg);
        Assert.Contains("conversion &amp; more: relative lift vs A", chart.Svg);
        Assert.DoesNotContain("<script>", chart.Svg);
        Assert.Contains("C (Inconclusive)", chart.Svg);
    }
}
