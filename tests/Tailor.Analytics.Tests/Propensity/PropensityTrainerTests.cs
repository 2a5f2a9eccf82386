using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

public sealed class PropensityTrainerTests
{
    private static readonly Lazy<(FeatureTable Table, PropensityTraining Training)> Signal = new(() =>
    {
        var table = SimulatedCustomers.Table(SimulatedCustomers.Generate(1500, signal: true, tell: null, seed: 11));
        return (table, PropensityTrainer.Train(table, new GradientBoostingOptions(), ct: TestContext.Current.CancellationToken));
    });

    [Fact]
    public void On_behaviour_that_carries_signal_the_model_beats_chance_and_beats_recency_alone()
    {
        var v = Signal.Value.Training.Validation;

        Assert.True(v.GradientBoosting.MeanAuc > 0.75, $"model CV AUC {v.GradientBoosting.MeanAuc}");
        // Recency carries part of the signal, the recent views the rest: the baseline beats chance, the model beats it.
        Assert.InRange(v.Baseline.MeanAuc, 0.55, v.GradientBoosting.MeanAuc);
        Assert.Equal(v.GradientBoosting.MeanAuc - v.Baseline.MeanAuc, v.AucGain, 12);
        Assert.Equal(PropensityTrainer.GradientBoostingName, v.Chosen);
        Assert.StartsWith("the model beats recency alone by +", v.Verdict, StringComparison.Ordinal);
        Assert.Equal(5, v.GradientBoosting.FoldAuc.Count);
        Assert.NotEmpty(v.TopFeatures);
        Assert.Equal(v.TopFeatures.OrderByDescending(f => f.Share).Select(f => f.Share), v.TopFeatures.Select(f => f.Share));
        Assert.All(v.TopFeatures, f => Assert.InRange(f.Share, double.Epsilon, 1.0));
    }

    [Fact]
    public void Reported_metrics_are_those_of_the_out_of_fold_predictions()
    {
        var training = Signal.Value.Training;
        var v = training.Validation;

        Assert.Equal(BinaryMetrics.Auc(training.Labels, training.OutOfFoldModel), v.GradientBoosting.PooledAuc, 12);
        Assert.Equal(BinaryMetrics.LogLoss(training.Labels, training.OutOfFoldBaseline), v.Baseline.LogLoss, 12);
        Assert.Equal(training.Labels.Count, v.GradientBoosting.Calibration.Sum(b => b.Count));
        Assert.Equal(v.GradientBoosting.FoldAuc.Average(), v.GradientBoosting.MeanAuc, 12);
    }

    [Fact]
    public void Without_signal_beyond_recency_the_verdict_keeps_the_baseline()
    {
        // Churn decided by recency alone: the model can at best tie the baseline.
        var random = new Random(3);
        var events = new List<PropensityEvent>();
        for (var c = 0; c < 800; c++)
        {
            var daysAgo = 1 + (random.NextDouble() * 200);
            events.Add(new PropensityEvent($"p{c}", "Order Completed", SimulatedCustomers.Cutoff.AddDays(-daysAgo), 20));
            if (random.NextDouble() > 1 / (1 + Math.Exp(-((daysAgo - 100) / 30))))
            {
                events.Add(new PropensityEvent($"p{c}", "Order Completed", SimulatedCustomers.Cutoff.AddDays(5), 20));
            }
        }
        var training = PropensityTrainer.Train(SimulatedCustomers.Table(events), new GradientBoostingOptions(), ct: TestContext.Current.CancellationToken);
        var v = training.Validation;

        Assert.True(v.AucGain <= 0, $"gain {v.AucGain}");
        Assert.Equal(PropensityTrainer.BaselineName, v.Chosen);
        Assert.Contains("keep the baseline", v.Verdict, StringComparison.Ordinal);
        Assert.Equal(v.Baseline.MeanAuc, v.ChosenAuc);
    }

    [Fact]
    public void The_same_data_and_seed_give_the_same_validation_and_scores()
    {
        var table = SimulatedCustomers.Table(SimulatedCustomers.Generate(400, signal: true, tell: null, seed: 5));
        var first = PropensityTrainer.Train(table, new GradientBoostingOptions(Iterations: 30), ct: TestContext.Current.CancellationToken);
        var second = PropensityTrainer.Train(table, new GradientBoostingOptions(Iterations: 30), ct: TestContext.Current.CancellationToken);

        Assert.Equal(first.Validation.GradientBoosting.FoldAuc, second.Validation.GradientBoosting.FoldAuc);
        Assert.Equal(first.Model.Score(table), second.Model.Score(table));
    }

    [Fact]
    public void A_saved_model_loads_and_scores_the_same()
    {
        var (table, training) = Signal.Value;
        var zip = training.Model.GradientBoosting.Save();
        var loaded = GradientBoostingModel.Load(zip, table.Schema.FeatureNames.Count);

        var before = training.Model.GradientBoosting.Predict(table.Rows);
        var after = loaded.Predict(table.Rows);
        Assert.Equal(before.Length, after.Length);
        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i], 6);
        }
    }

    [Fact]
    public void Folds_are_stratified_each_holding_its_share_of_each_label()
    {
        var labels = Enumerable.Range(0, 103).Select(i => i % 4 == 0).ToArray();
        var folds = StratifiedFolds.Assign(labels, 5, seed: 1);

        for (var k = 0; k < 5; k++)
        {
            var positives = Enumerable.Range(0, labels.Length).Count(i => folds[i] == k && labels[i]);
            var negatives = Enumerable.Range(0, labels.Length).Count(i => folds[i] == k && !labels[i]);
            Assert.InRange(positives, 26 / 5, (26 / 5) + 1);
            Assert.InRange(negatives, 77 / 5, (77 / 5) + 1);
        }
    }

    [Fact]
    public void A_table_with_too_few_of_a_label_is_refused_with_the_reason()
    {
        var table = SimulatedCustomers.Table(SimulatedCustomers.Generate(3, signal: false, tell: null, seed: 1));

        Assert.Contains("needs at least 5 customers of each label", PropensityTrainer.CannotTrain(table, 5), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PropensityTrainer.Train(table, new GradientBoostingOptions(), ct: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Roc_and_calibration_charts_are_svg_naming_each_model_with_its_figure()
    {
        var training = Signal.Value.Training;
        var roc = PropensityCharts.Roc(training).Svg;
        var calibration = PropensityCharts.Calibration(training.Validation).Svg;

        Assert.Contains("<svg", roc, StringComparison.Ordinal);
        Assert.Contains($"gradient boosting (AUC {training.Validation.GradientBoosting.PooledAuc:0.000})", roc, StringComparison.Ordinal);
        Assert.Contains($"recency baseline (AUC {training.Validation.Baseline.PooledAuc:0.000})", roc, StringComparison.Ordinal);
        Assert.Contains($"log-loss {training.Validation.GradientBoosting.LogLoss:0.000}", calibration, StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("TAILOR_TEST_CHART_DIR") is { Length: > 0 } dir)
        {
            File.WriteAllText(Path.Combine(dir, "roc.svg"), roc);
            File.WriteAllText(Path.Combine(dir, "calibration.svg"), calibration);
        }
    }
}
