using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class PlanningTests
{
    [Fact]
    public void Sample_sizes_match_statsmodels_for_rates_and_means_with_bonferroni()
    {
        foreach (var p in Reference.Cases("plans"))
        {
            int comparisons = p.GetProperty("comparisons").GetInt32();
            var request = p.GetProperty("kind").GetString() == "rate"
                ? new SamplePlanRequest(MetricKind.Rate, p.D("baseline"), p.D("mde_relative")) { Power = p.D("power"), Variants = comparisons + 1 }
                : new SamplePlanRequest(MetricKind.Mean, p.D("mean"), p.D("mde_absolute")) { StandardDeviation = p.D("sd"), RelativeEffect = false, Power = p.D("power"), Variants = comparisons + 1 };
            var plan = SamplePlanner.Plan(request);
            Reference.Close(p.D("n_per_arm"), plan.ExactUnitsPerArm, "n per arm");
            Assert.Equal((long)Math.Ceiling(p.D("n_per_arm")), plan.UnitsPerArm);
            Assert.Equal(plan.UnitsPerArm * (comparisons + 1), plan.TotalUnits);
            Assert.Equal(0.05 / comparisons, plan.AlphaPerComparison, 15);
        }
    }

    [Fact]
    public void Duration_is_total_units_over_daily_traffic_rounded_up_and_the_formula_is_named()
    {
        var plan = SamplePlanner.Plan(new SamplePlanRequest(MetricKind.Rate, 0.10, 0.10) { DailyUnits = 1000 });
        // statsmodels: 14,750.79 per arm → 14,751 × 2 = 29,502 units → 29.5 days → 30.
        Assert.Equal(29_502, plan.TotalUnits);
        Assert.Equal(30, plan.Days);
        Assert.StartsWith("normal approximation for two proportions, pooled variance under H0", plan.Formula);
        Assert.Equal(new InputProblem("standardDeviation", "is required for a mean and must be positive"), SamplePlanner.Validate(new SamplePlanRequest(MetricKind.Mean, 10, 0.1)));
    }
}
