using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

/// <summary>Churn on a slice of UCI Online Retail (800 customers, CC BY 4.0): features to 2011-09-10, churn = no order in the next 90 days.</summary>
public sealed class OnlineRetailPropensityTests(ITestOutputHelper output)
{
    [Fact]
    public void On_real_orders_the_model_beats_chance_and_the_comparison_with_recency_is_reported()
    {
        var events = PropensityFixtures.OnlineRetailEvents();
        var cutoff = new DateTimeOffset(2011, 9, 10, 0, 0, 0, TimeSpan.Zero);
        var question = new PropensityQuestion(PropensityTarget.Churn, 90, "Order Completed");
        var schema = PropensityFeatureBuilder.ChooseSchema(events, cutoff, question.OrderEvent);
        var table = PropensityFeatureBuilder.BuildTraining(events, cutoff, question, schema);

        var v = PropensityTrainer.Train(table, new GradientBoostingOptions(), ct: TestContext.Current.CancellationToken).Validation;
        output.WriteLine($"{v.Rows} customers, {v.Positives} churned; model {v.GradientBoosting.MeanAuc:0.000} ± {v.GradientBoosting.AucStandardDeviation:0.000}, " +
            $"recency {v.Baseline.MeanAuc:0.000} ± {v.Baseline.AucStandardDeviation:0.000}; log-loss {v.GradientBoosting.LogLoss:0.000} vs {v.Baseline.LogLoss:0.000}; {v.Verdict}");

        Assert.True(v.Rows > 400, $"{v.Rows} customers");
        Assert.InRange(v.Positives, v.Rows / 5, v.Rows * 4 / 5);
        Assert.True(v.GradientBoosting.MeanAuc > 0.65, $"model CV AUC {v.GradientBoosting.MeanAuc}");
        Assert.True(v.Baseline.MeanAuc > 0.65, $"recency CV AUC {v.Baseline.MeanAuc}");
        // Which of the two wins on 800 customers is not robust; that the report says it consistently is.
        Assert.Equal(v.AucGain > 0 ? PropensityTrainer.GradientBoostingName : PropensityTrainer.BaselineName, v.Chosen);
    }
}
