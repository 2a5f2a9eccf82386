using ScottPlot;

namespace Tailor.Analytics.Recommendations;

/// <summary>The offline evaluation as a picture: precision@k, recall@k, NDCG@k and coverage, one bar per model in each group.</summary>
public static class EvaluationChart
{
    public static string Svg(EvaluationReport report, int width = 800, int height = 450)
    {
        var plot = new Plot();
        string[] metrics = [$"precision@{report.K}", $"recall@{report.K}", $"NDCG@{report.K}", "coverage"];
        var palette = new ScottPlot.Palettes.Category10();
        var models = report.Models.Count;
        for (var m = 0; m < models; m++)
        {
            var s = report.Models[m];
            double[] values = [s.Precision, s.Recall, s.Ndcg, s.Coverage];
            var color = palette.GetColor(m);
            var bars = new List<Bar>();
            for (var g = 0; g < metrics.Length; g++)
                bars.Add(new Bar { Position = g * (models + 1) + m, Value = values[g], FillColor = color });
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.Model == report.Winner ? $"{s.Model} (chosen)" : s.Model, FillColor = color });
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, metrics.Length).Select(g => g * (models + 1) + (models - 1) / 2.0)], metrics);
        plot.Axes.Margins(bottom: 0);
        plot.Title($"Offline evaluation: {report.UsersEvaluated} users, last 20% held out");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetSvgXml(width, height);
    }
}
