using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

/// <summary>
/// The label is perfectly predictable from an event one day after the cutoff. Behind a correct time split the model
/// cannot see it and validates at chance; the same event one day before the cutoff shows the model would have used it.
/// </summary>
public sealed class TimeSplitLeakTests
{
    [Fact]
    public void An_event_after_the_cutoff_that_gives_away_the_label_leaves_cv_auc_at_chance()
    {
        var events = SimulatedCustomers.Generate(600, signal: false, tell: +1, seed: 7);
        var table = SimulatedCustomers.Table(events);

        Assert.DoesNotContain(table.Schema.FeatureNames, f => f.Contains("Account Closed", StringComparison.Ordinal));
        var training = PropensityTrainer.Train(table, new GradientBoostingOptions(), ct: TestContext.Current.CancellationToken);

        Assert.InRange(training.Validation.GradientBoosting.MeanAuc, 0.42, 0.58);
        Assert.InRange(training.Validation.GradientBoosting.PooledAuc, 0.42, 0.58);
    }

    [Fact]
    public void The_same_event_before_the_cutoff_is_found_so_the_test_above_has_teeth()
    {
        var events = SimulatedCustomers.Generate(600, signal: false, tell: -1, seed: 7);
        var table = SimulatedCustomers.Table(events);

        Assert.Contains("events_7d[Account Closed]", table.Schema.FeatureNames);
        var training = PropensityTrainer.Train(table, new GradientBoostingOptions(), ct: TestContext.Current.CancellationToken);

        Assert.True(training.Validation.GradientBoosting.MeanAuc > 0.99, $"CV AUC {training.Validation.GradientBoosting.MeanAuc}");
    }
}
