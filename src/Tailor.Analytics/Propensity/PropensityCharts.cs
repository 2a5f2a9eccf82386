using ScottPlot;
using Tailor.Analytics.Charts;

namespace Tailor.Analytics.Propensity;

/// <summary>
/// The two pictures of a propensity run, as SVG: the ROC curves and the calibration plot of the out-of-fold
/// predictions, model and recency baseline together, with the diagonal (chance, resp. perfect calibration) for reference.
/// Drawn with ScottPlot directly rather than <see cref="ChartRenderer"/>, which has no dashed reference line nor fixed
/// 0…1 axes; returned as the shared <see cref="Chart"/>.
/// </summary>
public static class PropensityCharts
{
    private const int Width = 640;
    private const int Height = 480;

    /// <summary>True positive rate against false positive rate, one curve per model, AUCs in the legend.</summary>
    public static Chart Roc(PropensityTraining training)
    {
        var plot = NewPlot("ROC curve (out-of-fold)", "False positive rate", "True positive rate");
        Diagonal(plot, "chance");
        Curve(plot, RocCurve.Points(training.Labels, training.OutOfFoldBaseline), $"recency baseline (AUC {training.Validation.Baseline.PooledAuc:0.000})");
        Curve(plot, RocCurve.Points(training.Labels, training.OutOfFoldModel), $"gradient boosting (AUC {training.Validation.GradientBoosting.PooledAuc:0.000})");
        return Render("roc", plot);
    }

    /// <summary>Observed positive rate against mean predicted probability per bin of width 0.1, one line per model.</summary>
    public static Chart Calibration(PropensityValidation validation)
    {
        var plot = NewPlot("Calibration (out-of-fold)", "Mean predicted probability", "Observed rate");
        Diagonal(plot, "perfectly calibrated");
        foreach (var model in new[] { validation.Baseline, validation.GradientBoosting })
        {
            var xs = model.Calibration.Select(b => b.MeanPredicted).ToArray();
            var ys = model.Calibration.Select(b => b.ObservedRate).ToArray();
            Curve(plot, (xs, ys), $"{model.Model.Replace('_', ' ')} (log-loss {model.LogLoss:0.000})", markers: true);
        }
        return Render("calibration", plot);
    }

    private static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static void Diagonal(Plot plot, string label)
    {
        var line = plot.Add.Line(0, 0, 1, 1);
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Gray;
        line.LegendText = label;
    }

    private static void Curve(Plot plot, (double[] Xs, double[] Ys) points, string label, bool markers = false)
    {
        var scatter = plot.Add.Scatter(points.Xs, points.Ys);
        scatter.MarkerSize = markers ? 6 : 0;
        scatter.LegendText = label;
    }

    private static Chart Render(string name, Plot plot)
    {
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(Alignment.LowerRight);
        return new Chart(name, plot.GetSvgXml(Width, Height));
    }
}
