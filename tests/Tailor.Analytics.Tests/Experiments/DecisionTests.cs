using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class DecisionTests
{
    private static ExperimentSums Rates(long na, long ca, long nb, long cb) => new("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)],
        [new MetricSums("conversion", MetricKind.Rate, [new ArmSums("A", na) { Conversions = ca }, new ArmSums("B", nb) { Conversions = cb }])]);

    [Fact]
    public void A_fixed_horizon_test_calls_no_winner_before_its_planned_sample_size()
    {
        // 1000 vs 1000 with 10% vs 14% is significant (delta-method z on the relative lift: 0.4 / 0.1723, p ≈ 0.020), but only 40% of the plan is in.
        var early = ExperimentAnalyzer.Analyze(Rates(1000, 100, 1000, 140), new AnalysisOptions { Method = TestMethod.FixedHorizon, PlannedUnits = 4_900 });
        Assert.Equal(Verdict.NotYet, early.Verdict);
        Assert.Equal("not yet: 40% of planned sample (2,000 of 4,900 units)", early.Decision);
        Assert.Equal(Verdict.NotYet, early.Metrics[0].Comparisons[0].Verdict);
        Assert.Equal(2000.0 / 4900, early.Progress!.Value, 12);

        var unplanned = ExperimentAnalyzer.Analyze(Rates(1000, 100, 1000, 140), new AnalysisOptions { Method = TestMethod.FixedHorizon });
        Assert.Equal(Verdict.NotYet, unplanned.Verdict);
        Assert.Contains("no planned sample size", unplanned.Decision);

        var done = ExperimentAnalyzer.Analyze(Rates(1000, 100, 1000, 140), new AnalysisOptions { Method = TestMethod.FixedHorizon, PlannedUnits = 2_000 });
        Assert.Equal(Verdict.Wins, done.Verdict);
        Assert.Matches(@"^B beats A on conversion: \+40\.0% relative, 95% CI \[\+\d+\.\d%, \+\d+\.\d%\], p = 0\.0\d\d$", done.Decision);
    }

    [Fact]
    public void Sequential_is_the_default_and_may_call_a_result_at_any_time()
    {
        var options = new AnalysisOptions();
        Assert.Equal(TestMethod.Sequential, options.Method);
        Assert.Equal(5000, options.SequentialTuning);
        var strong = ExperimentAnalyzer.Analyze(Rates(5000, 500, 5000, 650), options);
        Assert.Equal(Verdict.Wins, strong.Verdict);
        Assert.Contains("95% always-valid CI", strong.Decision);
        var weak = ExperimentAnalyzer.Analyze(Rates(1000, 100, 1000, 130), options);
        Assert.Equal(Verdict.Inconclusive, weak.Verdict);
        Assert.StartsWith("no significant difference between B and A on conversion yet", weak.Decision);
    }

    [Fact]
    public void A_worse_treatment_is_called_a_loss_and_lower_is_better_flips_the_call()
    {
        var worse = ExperimentAnalyzer.Analyze(Rates(5000, 650, 5000, 500), new AnalysisOptions());
        Assert.Equal(Verdict.Loses, worse.Verdict);
        Assert.StartsWith("B is worse than A on conversion: −23.1% relative", worse.Decision);
        var sums = Rates(5000, 650, 5000, 500);
        var unsubscribes = sums with { Metrics = [sums.Metrics[0] with { Name = "unsubscribe", HigherIsBetter = false }] };
        Assert.Equal(Verdict.Wins, ExperimentAnalyzer.Analyze(unsubscribes, new AnalysisOptions()).Verdict);
    }

    [Fact]
    public void Invalid_input_is_refused_naming_the_field_and_the_rule()
    {
        var sums = Rates(100, 10, 100, 120);
        Assert.Equal(new InputProblem("metrics[0].arms[1].conversions", "must be between 0 and units"), ExperimentAnalyzer.Validate(sums, new AnalysisOptions()));
        Assert.Equal(new InputProblem("options.alpha", "must be between 0 and 0.5 (exclusive)"), ExperimentAnalyzer.Validate(Rates(100, 10, 100, 12), new AnalysisOptions { Alpha = 0.7 }));
        Assert.Equal(new InputProblem("control", "must name one of the arms"), ExperimentAnalyzer.Validate(Rates(100, 10, 100, 12) with { Control = "Z" }, new AnalysisOptions()));
        var mean = new ExperimentSums("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)],
            [new MetricSums("revenue", MetricKind.Mean, [new ArmSums("A", 10) { Sum = 5, SumOfSquares = 9 }, new ArmSums("B", 10) { Sum = 5 }])]);
        Assert.Equal(new InputProblem("metrics[0].arms[1].sumOfSquares", "is required for a mean metric"), ExperimentAnalyzer.Validate(mean, new AnalysisOptions()));
        Assert.Throws<ArgumentException>(() => ExperimentAnalyzer.Analyze(mean, new AnalysisOptions()));
    }

    [Fact]
    public void An_arm_without_units_cannot_be_compared_and_says_so()
    {
        var result = ExperimentAnalyzer.Analyze(Rates(100, 10, 0, 0), new AnalysisOptions());
        var c = result.Metrics[0].Comparisons[0];
        Assert.Null(c.PValue);
        Assert.Equal("B vs A on conversion: cannot be compared yet: an arm has fewer than 2 units", c.Decision);
        Assert.True(result.SampleRatio.Mismatch);
    }

    [Fact]
    public void An_analysis_is_bounded_to_one_hundred_comparisons()
    {
        var arms = Enumerable.Range(0, 11).Select(i => new ArmSums($"arm{i}", 100) { Conversions = 10 }).ToList();
        var metric = new MetricSums("m", MetricKind.Rate, arms);
        var sums = new ExperimentSums("arm0", [.. arms.Select(a => new ArmAllocation(a.Arm, 1))], [.. Enumerable.Repeat(metric, 11)]);
        Assert.Equal("metrics", ExperimentAnalyzer.Validate(sums, new AnalysisOptions())!.Field);
        Assert.Null(ExperimentAnalyzer.Validate(sums with { Metrics = [.. Enumerable.Repeat(metric, 10)] }, new AnalysisOptions()));
    }
}
