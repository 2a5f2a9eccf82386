using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class CorrectionAndSrmTests
{
    [Fact]
    public void Holm_and_Benjamini_Hochberg_match_statsmodels_multipletests()
    {
        var m = Reference.Get("multiple");
        double[] p = [.. m.GetProperty("p").EnumerateArray().Select(x => x.GetDouble())];
        double[] holm = PValueAdjustment.Holm(p), bh = PValueAdjustment.BenjaminiHochberg(p);
        var expectedHolm = m.GetProperty("holm").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var expectedBh = m.GetProperty("fdr_bh").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int i = 0; i < p.Length; i++)
        {
            Reference.Close(expectedHolm[i], holm[i], $"holm[{i}]", 1e-12);
            Reference.Close(expectedBh[i], bh[i], $"fdr_bh[{i}]", 1e-12);
        }
    }

    [Theory]
    [InlineData(MultipleComparisonCorrection.Holm, "holm")]
    [InlineData(MultipleComparisonCorrection.BenjaminiHochberg, "fdr_bh")]
    public void A_three_arm_experiment_adjusts_its_p_values_across_the_treatments(MultipleComparisonCorrection correction, string name)
    {
        var e = Reference.Get("experiment");
        var arms = e.GetProperty("arms").EnumerateArray().Select(Reference.Arm).ToList();
        var sums = new ExperimentSums("A", [.. arms.Select(a => new ArmAllocation(a.Arm, 1))], [new MetricSums("conversion", MetricKind.Rate, arms)]);
        var result = ExperimentAnalyzer.Analyze(sums, Reference.Fixed with { Correction = correction, PlannedUnits = 12_000 });
        var comparisons = result.Metrics[0].Comparisons;
        var raw = e.GetProperty("p").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var adjusted = e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int i = 0; i < 2; i++)
        {
            Reference.Close(raw[i], comparisons[i].PValue, $"p[{i}]");
            Reference.Close(adjusted[i], comparisons[i].AdjustedPValue, $"adjusted p[{i}]");
        }
        // B: 470/4020 vs 400/4000 is +16.9% relative, adjusted p = 0.049 < 0.05 → a win, stated in words with both p-values.
        Assert.Equal(Verdict.Wins, comparisons[0].Verdict);
        Assert.StartsWith("B beats A on conversion: +16.9% relative, 95% CI [+", comparisons[0].Decision);
        Assert.Contains("p = 0.024 (", comparisons[0].Decision);
        Assert.Equal(Verdict.Inconclusive, comparisons[1].Verdict);
        Assert.Equal(Verdict.Wins, result.Verdict);
    }

    [Fact]
    public void Sample_ratio_mismatch_matches_scipy_chisquare_and_is_flagged_below_one_in_a_thousand()
    {
        foreach (var c in Reference.Cases("srm"))
        {
            long[] observed = [.. c.GetProperty("observed").EnumerateArray().Select(x => x.GetInt64())];
            double[] weights = [.. c.GetProperty("weights").EnumerateArray().Select(x => x.GetDouble())];
            var check = SampleRatioMismatch.Check(observed, weights);
            Reference.Close(c.D("chi2"), check.ChiSquare, "chi2", 1e-9);
            Reference.Close(c.D("p"), check.PValue, "p", 1e-6);
            Assert.Equal(observed.Length - 1, check.DegreesOfFreedom);
            Assert.Equal(c.D("p") < 0.001, check.Mismatch);
            Assert.Equal(check.Mismatch, check.LikelyCauses.Count > 0);
        }
    }

    [Fact]
    public void A_sample_ratio_mismatch_marks_the_whole_test_broken_whatever_the_lift()
    {
        var arms = new List<ArmSums> { new("A", 5000) { Conversions = 500 }, new("B", 5400) { Conversions = 700 } };
        var sums = new ExperimentSums("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)], [new MetricSums("conversion", MetricKind.Rate, arms)]);
        var result = ExperimentAnalyzer.Analyze(sums, new AnalysisOptions());
        Assert.True(result.SampleRatio.Mismatch);
        Assert.Equal(Verdict.Broken, result.Verdict);
        Assert.StartsWith("this test is broken: sample ratio mismatch (χ² = 15.38", result.Decision);
        Assert.Contains("exposure logged unevenly", result.Decision);
    }
}
