using Tailor.Analytics.Propensity;
using static Tailor.Analytics.Tests.Propensity.PropensityFixtures;

namespace Tailor.Analytics.Tests.Propensity;

/// <summary>AUC, log-loss, calibration bins and the logistic baseline against scikit-learn 1.2.1 (Fixtures/Propensity/make_reference.py).</summary>
public sealed class MetricsAgainstScikitLearnTests
{
    [Fact]
    public void Auc_with_tied_scores_matches_roc_auc_score()
    {
        var auc = Reference.GetProperty("auc");
        var labels = Bools(auc.GetProperty("labels"));
        var scores = Doubles(auc.GetProperty("scores"));
        Assert.True(scores.Distinct().Count() < 15, "the fixture is meant to be full of ties");

        Assert.Equal(auc.GetProperty("roc_auc_score").GetDouble(), BinaryMetrics.Auc(labels, scores), 12);
    }

    [Fact]
    public void Log_loss_matches_scikit_learn()
    {
        var auc = Reference.GetProperty("auc");
        Assert.Equal(auc.GetProperty("log_loss").GetDouble(), BinaryMetrics.LogLoss(Bools(auc.GetProperty("labels")), Doubles(auc.GetProperty("scores"))), 12);
    }

    [Fact]
    public void Auc_is_undefined_with_one_class_and_one_half_for_constant_scores()
    {
        Assert.True(double.IsNaN(BinaryMetrics.Auc([true, true], [0.1, 0.2])));
        Assert.Equal(0.5, BinaryMetrics.Auc([true, false, true, false], [0.3, 0.3, 0.3, 0.3]));
    }

    [Fact]
    public void Calibration_bins_match_calibration_curve_including_predictions_on_bin_edges()
    {
        var cal = Reference.GetProperty("calibration");
        var table = CalibrationTable.Build(Bools(cal.GetProperty("labels")), Doubles(cal.GetProperty("probabilities")));
        var observed = Doubles(cal.GetProperty("prob_true"));
        var predicted = Doubles(cal.GetProperty("prob_pred"));

        Assert.Equal(observed.Length, table.Count);
        for (var b = 0; b < table.Count; b++)
        {
            Assert.Equal(observed[b], table[b].ObservedRate, 12);
            Assert.Equal(predicted[b], table[b].MeanPredicted, 12);
        }
        Assert.Equal(306, table.Sum(b => b.Count));
    }

    [Theory]
    [InlineData("c_1", 1.0)]
    [InlineData("c_0_01", 0.01)]
    [InlineData("no_penalty", 1e12)]
    public void Logistic_baseline_coefficients_match_scikit_learn(string fit, double c)
    {
        var lr = Reference.GetProperty("logistic");
        var x = Doubles(lr.GetProperty("x")).Select(v => new[] { v }).ToArray();
        var model = LogisticRegression.Fit(x, Bools(lr.GetProperty("y")), c);
        var expected = lr.GetProperty(fit);

        Assert.Equal(expected.GetProperty("intercept").GetDouble(), model.Intercept, 6);
        Assert.Equal(expected.GetProperty("coefficient").GetDouble(), model.Coefficients[0], 7);
    }

    [Fact]
    public void Roc_curve_runs_from_origin_to_one_one_and_its_area_is_the_auc()
    {
        var auc = Reference.GetProperty("auc");
        var labels = Bools(auc.GetProperty("labels"));
        var scores = Doubles(auc.GetProperty("scores"));
        var (fpr, tpr) = RocCurve.Points(labels, scores);

        Assert.Equal((0.0, 0.0), (fpr[0], tpr[0]));
        Assert.Equal((1.0, 1.0), (fpr[^1], tpr[^1]));
        var area = 0.0;
        for (var i = 1; i < fpr.Length; i++)
        {
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        Assert.Equal(auc.GetProperty("roc_auc_score").GetDouble(), area, 12);
    }
}
