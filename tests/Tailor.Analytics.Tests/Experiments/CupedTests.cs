using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class CupedTests
{
    [Theory]
    [InlineData("cuped_means", MetricKind.Mean)]
    [InlineData("cuped_ratios", MetricKind.Ratio)]
    public void Cuped_theta_variance_removed_and_adjusted_lifts_match_the_reference(string section, MetricKind kind)
    {
        foreach (var c in Reference.Cases(section))
        {
            var cmp = Reference.Compare(c, kind, Reference.Fixed);
            Assert.NotNull(cmp.Cuped);
            var cu = c.GetProperty("cuped");
            Reference.Close(cu.D("theta"), cmp.Cuped!.Theta, "theta");
            Reference.Close(cu.D("variance_removed"), cmp.Cuped.VarianceRemoved, "variance removed");
            var abs = c.GetProperty("absolute_fixed");
            Reference.Close(abs.D("estimate"), cmp.AbsoluteLift.Value, "adjusted absolute lift");
            Reference.Close(abs.D("se"), cmp.AbsoluteLift.StandardError, "adjusted absolute se");
            Reference.Close(abs.D("p"), cmp.AbsoluteLift.PValue, "adjusted absolute p");
            var rel = c.GetProperty("relative_fixed");
            Reference.Close(rel.D("estimate"), cmp.RelativeLift.Value, "adjusted relative lift");
            Reference.Close(rel.D("se"), cmp.RelativeLift.StandardError, "adjusted relative se");
            Reference.Close(rel.D("p"), cmp.PValue, "adjusted relative p");
            Reference.Close(rel.D("lower"), cmp.RelativeLift.Interval.Lower, "adjusted relative lower");
            Assert.Contains("CUPED", cmp.Statistic);
        }
    }

    [Fact]
    public void Without_the_covariate_option_the_same_sums_are_analysed_unadjusted()
    {
        var c = Reference.Cases("cuped_means").First();
        var plain = Reference.Compare(c, MetricKind.Mean, Reference.Fixed with { UseCovariate = false });
        var adjusted = Reference.Compare(c, MetricKind.Mean, Reference.Fixed);
        Assert.Null(plain.Cuped);
        Assert.Equal(plain.AbsoluteLift.StandardError, adjusted.Cuped!.UnadjustedLift.StandardError, 12);
        Assert.True(adjusted.AbsoluteLift.StandardError < plain.AbsoluteLift.StandardError);
    }
}
