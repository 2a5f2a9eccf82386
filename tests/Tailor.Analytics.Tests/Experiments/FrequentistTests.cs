using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class FrequentistTests
{
    [Fact]
    public void Two_proportion_z_test_matches_statsmodels_proportions_ztest()
    {
        foreach (var c in Reference.Cases("rates"))
        {
            var abs = Reference.Compare(c, MetricKind.Rate, Reference.Fixed).AbsoluteLift;
            var z = c.GetProperty("ztest");
            Reference.Close(z.D("z"), abs.TestStatistic, "z");
            Reference.Close(z.D("p"), abs.PValue, "p");
            Assert.Equal("two-proportion z test, pooled variance under H0", abs.Statistic);
        }
    }

    [Fact]
    public void Relative_lift_of_rates_by_the_delta_method_matches_the_reference()
    {
        foreach (var c in Reference.Cases("rates"))
            AssertFixed(c.GetProperty("relative_fixed"), Reference.Compare(c, MetricKind.Rate, Reference.Fixed), null);
    }

    [Fact]
    public void Welch_t_on_means_matches_scipy_and_its_interval_matches_statsmodels()
    {
        foreach (var c in Reference.Cases("means"))
        {
            var cmp = Reference.Compare(c, MetricKind.Mean, Reference.Fixed);
            var w = c.GetProperty("welch");
            Reference.Close(w.D("t"), cmp.AbsoluteLift.TestStatistic, "t");
            Reference.Close(w.D("p"), cmp.AbsoluteLift.PValue, "p");
            Reference.Close(w.D("df"), cmp.DegreesOfFreedom, "df");
            Reference.Close(w.D("lower"), cmp.AbsoluteLift.Interval.Lower, "CI lower");
            Reference.Close(w.D("upper"), cmp.AbsoluteLift.Interval.Upper, "CI upper");
            Assert.Equal("Welch t on the difference (Welch–Satterthwaite df)", cmp.AbsoluteLift.Statistic);
            AssertFixed(c.GetProperty("relative_fixed"), cmp, w.D("df"));
            Assert.Equal("Welch t (Welch–Satterthwaite df) on relative lift of two means, delta-method variance", cmp.Statistic);
        }
    }

    [Fact]
    public void Ratio_metric_by_the_delta_method_matches_the_reference()
    {
        foreach (var c in Reference.Cases("ratios"))
        {
            var cmp = Reference.Compare(c, MetricKind.Ratio, Reference.Fixed);
            var r = c.GetProperty("ratio");
            Reference.Close(r.D("df"), cmp.DegreesOfFreedom, "df");
            var abs = c.GetProperty("absolute_fixed");
            Reference.Close(abs.D("estimate"), cmp.AbsoluteLift.Value, "absolute lift");
            Reference.Close(abs.D("se"), cmp.AbsoluteLift.StandardError, "absolute se");
            Reference.Close(abs.D("p"), cmp.AbsoluteLift.PValue, "absolute p");
            Reference.Close(abs.D("lower"), cmp.AbsoluteLift.Interval.Lower, "absolute lower");
            AssertFixed(c.GetProperty("relative_fixed"), cmp, r.D("df"));
        }
    }

    [Fact]
    public void Sequential_confidence_sequences_and_p_values_match_the_normal_mixture_reference()
    {
        foreach (var c in Reference.Cases("rates"))
        {
            var cmp = Reference.Compare(c, MetricKind.Rate, Reference.Sequential);
            var rel = c.GetProperty("relative_sequential");
            Reference.Close(rel.D("lower"), cmp.RelativeLift.Interval.Lower, "relative lower");
            Reference.Close(rel.D("upper"), cmp.RelativeLift.Interval.Upper, "relative upper");
            Reference.Close(rel.D("p"), cmp.PValue, "always-valid p");
            var abs = c.GetProperty("absolute_sequential");
            Reference.Close(abs.D("lower"), cmp.AbsoluteLift.Interval.Lower, "absolute lower");
            Reference.Close(abs.D("upper"), cmp.AbsoluteLift.Interval.Upper, "absolute upper");
        }
        foreach (var c in Reference.Cases("means"))
        {
            var cmp = Reference.Compare(c, MetricKind.Mean, Reference.Sequential);
            var rel = c.GetProperty("relative_sequential");
            Reference.Close(rel.D("lower"), cmp.RelativeLift.Interval.Lower, "relative lower");
            Reference.Close(rel.D("upper"), cmp.RelativeLift.Interval.Upper, "relative upper");
            Reference.Close(rel.D("p"), cmp.PValue, "always-valid p");
        }
    }

    [Fact]
    public void Sequential_intervals_are_wider_than_fixed_horizon_ones_and_zero_is_outside_exactly_when_p_is_below_alpha()
    {
        foreach (var c in Reference.Cases("rates").Concat(Reference.Cases("means")))
        {
            var kind = c.GetProperty("control").TryGetProperty("conversions", out _) ? MetricKind.Rate : MetricKind.Mean;
            var seq = Reference.Compare(c, kind, Reference.Sequential);
            var fix = Reference.Compare(c, kind, Reference.Fixed);
            Assert.True(seq.RelativeLift.Interval.Upper - seq.RelativeLift.Interval.Lower > fix.RelativeLift.Interval.Upper - fix.RelativeLift.Interval.Lower);
            Assert.True(seq.PValue >= fix.PValue);
            Assert.Equal(seq.PValue < 0.05, seq.RelativeLift.Interval.Excludes(0));
        }
    }

    private static void AssertFixed(System.Text.Json.JsonElement r, Comparison cmp, double? df)
    {
        Reference.Close(r.D("estimate"), cmp.RelativeLift.Value, "relative lift");
        Reference.Close(r.D("se"), cmp.RelativeLift.StandardError, "relative se");
        Reference.Close(r.D("p"), cmp.PValue, "relative p");
        Reference.Close(r.D("lower"), cmp.RelativeLift.Interval.Lower, "relative lower");
        Reference.Close(r.D("upper"), cmp.RelativeLift.Interval.Upper, "relative upper");
        Assert.Equal(df is null, cmp.DegreesOfFreedom is null);
    }
}
