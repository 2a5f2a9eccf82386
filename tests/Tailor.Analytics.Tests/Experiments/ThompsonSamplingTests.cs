using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class ThompsonSamplingTests
{
    [Fact]
    public void Two_arm_probability_best_agrees_with_the_beta_binomial_chance_checked_against_scipy()
    {
        foreach (var c in Reference.Cases("rates"))
        {
            var control = c.GetProperty("control");
            var treatment = c.GetProperty("treatment");
            BanditArm[] arms =
            [
                new("A", control.GetProperty("conversions").GetInt64(), control.GetProperty("units").GetInt64()),
                new("B", treatment.GetProperty("conversions").GetInt64(), treatment.GetProperty("units").GetInt64()),
            ];
            var allocation = ThompsonSampling.Allocate(arms, new BanditOptions { Draws = 100_000, Seed = 7 });
            double expected = c.GetProperty("beta_binomial").D("chance");
            // Monte Carlo: within 4 standard errors of scipy's quadrature value.
            double se = Math.Sqrt(expected * (1 - expected) / 100_000);
            Assert.InRange(allocation.ProbabilityBest[1], expected - 4 * se - 1e-9, expected + 4 * se + 1e-9);
        }
    }

    [Fact]
    public void Weights_with_the_holdout_sum_to_one_every_arm_keeps_its_floor_and_a_seed_reproduces_them()
    {
        BanditArm[] arms = [new("a", 50, 1000), new("b", 80, 1000), new("c", 52, 1000), new("d", 0, 0)];
        var options = new BanditOptions { HoldoutShare = 0.2, MinimumShare = 0.05, Seed = 42 };
        var allocation = ThompsonSampling.Allocate(arms, options);
        Assert.Equal(1, allocation.Weights.Sum() + allocation.HoldoutShare, 12);
        Assert.All(allocation.Weights, w => Assert.True(w >= 0.8 * 0.05 - 1e-12));
        Assert.True(allocation.Weights[1] > allocation.Weights[0] && allocation.Weights[1] > allocation.Weights[2]);
        Assert.Equal(allocation.Weights, ThompsonSampling.Allocate(arms, options).Weights);
        Assert.NotEqual(allocation.ProbabilityBest, ThompsonSampling.Allocate(arms, options with { Seed = 43 }).ProbabilityBest);
        Assert.Equal(new InputProblem("minimumShare", "must be at least 0 and at most 1 / arms"), ThompsonSampling.Validate(arms, options with { MinimumShare = 0.3 }));
    }
}
