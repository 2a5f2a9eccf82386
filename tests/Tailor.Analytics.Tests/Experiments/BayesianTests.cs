using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class BayesianTests
{
    [Fact]
    public void Beta_binomial_chance_loss_and_credible_interval_match_scipy_quadrature()
    {
        foreach (var c in Reference.Cases("rates"))
        {
            var cmp = Reference.Compare(c, MetricKind.Rate, Reference.Bayesian);
            var r = c.GetProperty("beta_binomial");
            var b = cmp.Bayesian!;
            Assert.StartsWith("beta-binomial, Beta(1, 1) prior", b.Model);
            Reference.Close(r.D("chance"), b.ChanceToBeatControl, "chance to beat control");
            Reference.Close(r.D("loss_treatment"), b.ExpectedLoss, "expected loss of choosing B", 1e-5);
            Reference.Close(r.D("loss_control"), b.ExpectedLossControl, "expected loss of keeping A", 1e-5);
            Reference.Close(r.D("lower"), b.CredibleInterval.Lower, "credible lower");
            Reference.Close(r.D("upper"), b.CredibleInterval.Upper, "credible upper");
            Assert.Null(cmp.PValue);
        }
    }

    [Fact]
    public void Normal_posterior_with_a_flat_or_a_proper_prior_matches_the_reference()
    {
        foreach (var (section, kind, prior) in new[] { ("means", MetricKind.Mean, new NormalPrior(0.02, 0.1)) })
        {
            foreach (var c in Reference.Cases(section))
            {
                Check(c.GetProperty("normal_flat"), Reference.Compare(c, kind, Reference.Bayesian).Bayesian!);
                Check(c.GetProperty("normal_prior"), Reference.Compare(c, kind, Reference.Bayesian with { Prior = prior }).Bayesian!);
            }
        }
        // Rates through the normal model: a covariate-free rate uses beta-binomial, so check the closed forms directly.
        foreach (var c in Reference.Cases("rates"))
        {
            var fixedCmp = Reference.Compare(c, MetricKind.Rate, Reference.Fixed);
            double est = fixedCmp.RelativeLift.Value, variance = Math.Pow(fixedCmp.RelativeLift.StandardError, 2);
            var (m, s) = NormalPosterior.Posterior(est, variance, new NormalPrior(0, 0.3));
            Check(c.GetProperty("normal_prior"), NormalPosterior.Summarise("normal", m, s, 0.05, true));
        }
    }

    [Fact]
    public void A_lower_is_better_metric_turns_the_chance_to_beat_around()
    {
        var c = Reference.Cases("means").First();
        var up = Reference.Compare(c, MetricKind.Mean, Reference.Bayesian).Bayesian!;
        var sums = new ExperimentSums("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)],
            [new MetricSums("m", MetricKind.Mean, [Reference.Arm(c.GetProperty("control")), Reference.Arm(c.GetProperty("treatment"))]) { HigherIsBetter = false }]);
        var down = ExperimentAnalyzer.Analyze(sums, Reference.Bayesian).Metrics[0].Comparisons[0].Bayesian!;
        Assert.Equal(1 - up.ChanceToBeatControl, down.ChanceToBeatControl, 12);
        Assert.Equal(up.ExpectedLoss, down.ExpectedLossControl, 12);
    }

    private static void Check(System.Text.Json.JsonElement r, BayesianResult b)
    {
        Reference.Close(r.D("chance"), b.ChanceToBeatControl, "chance to beat control");
        Reference.Close(r.D("loss_treatment"), b.ExpectedLoss, "expected loss (choose B)");
        Reference.Close(r.D("loss_control"), b.ExpectedLossControl, "expected loss (keep A)");
        Reference.Close(r.D("lower"), b.CredibleInterval.Lower, "credible lower");
        Reference.Close(r.D("upper"), b.CredibleInterval.Upper, "credible upper");
    }
}
