using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

/// <summary>
/// Fits recover the parameters data was simulated with (fixed seeds; generous tolerances, since a few thousand customers
/// pin the parameters down only to some percent).
/// </summary>
public sealed class ParameterRecoveryTests
{
    private static void Near(double truth, double fitted, double relative, string name) =>
        Assert.True(Math.Abs(fitted - truth) <= relative * truth, $"{name}: simulated with {truth}, fitted {fitted}");

    private static double Age(Random random) => 26 + random.Next(0, 27); // whole weeks 26…52

    [Fact]
    public void Bg_nbd_fit_recovers_simulated_parameters()
    {
        var truth = new BgNbdModel(R: 0.8, Alpha: 4, A: 0.7, B: 3);
        var random = new Random(19);
        var customers = Enumerable.Range(0, 4000).Select(i => LifetimeSimulator.BgNbdCustomer(truth, Age(random), random, $"c{i}")).ToArray();
        var fit = LifetimeFits.FitBgNbd(customers, TestContext.Current.CancellationToken);
        Near(truth.R, fit.Model.R, 0.15, "r");
        Near(truth.Alpha, fit.Model.Alpha, 0.2, "alpha");
        Near(truth.A, fit.Model.A, 0.3, "a");
        Near(truth.B, fit.Model.B, 0.4, "b");
        Assert.True(fit.LogLikelihood >= new SummaryLikelihood(customers).Of(truth), "the fit is at least as likely as the truth");
    }

    [Fact]
    public void Pareto_nbd_fit_recovers_simulated_parameters()
    {
        var truth = new ParetoNbdModel(R: 0.8, Alpha: 6, S: 0.7, Beta: 8);
        var random = new Random(19);
        var customers = Enumerable.Range(0, 1500).Select(i => LifetimeSimulator.ParetoNbdCustomer(truth, Age(random), random, $"c{i}")).ToArray();
        var fit = LifetimeFits.FitParetoNbd(customers, TestContext.Current.CancellationToken);
        Near(truth.R, fit.Model.R, 0.2, "r");
        Near(truth.Alpha, fit.Model.Alpha, 0.25, "alpha");
        Near(truth.S, fit.Model.S, 0.4, "s");
        Near(truth.Beta, fit.Model.Beta, 0.6, "beta");
        TestContext.Current.TestOutputHelper?.WriteLine($"Pareto/NBD fitted {string.Join(", ", fit.Model.Parameters.Select(p => $"{p.Key} = {p.Value:F4}"))}");
        Assert.True(fit.LogLikelihood >= new SummaryLikelihood(customers).Of(truth), "the fit is at least as likely as the truth");
    }

    [Fact]
    public void Gamma_gamma_fit_recovers_simulated_parameters()
    {
        var truth = new GammaGammaModel(P: 6, Q: 4, Gamma: 15);
        var random = new Random(19);
        var customers = Enumerable.Range(0, 3000).Select(i =>
        {
            var x = 1 + random.Next(0, 8);
            return new CustomerSummary($"c{i}", x, 1, 2, LifetimeSimulator.MeanSpend(truth, x, random));
        }).ToArray();
        var fit = LifetimeFits.FitGammaGamma(customers, TestContext.Current.CancellationToken);
        Assert.Equal(3000, fit.Customers);
        Near(truth.P, fit.Model.P, 0.15, "p");
        Near(truth.Q, fit.Model.Q, 0.2, "q");
        Near(truth.Gamma, fit.Model.Gamma, 0.3, "gamma");
        // The population mean spend p γ/(q − 1) is what CLV leans on; it is pinned down much more tightly.
        Near(truth.P * truth.Gamma / (truth.Q - 1), fit.Model.P * fit.Model.Gamma / (fit.Model.Q - 1), 0.05, "mean spend");
    }

    private sealed class SummaryLikelihood(IReadOnlyList<CustomerSummary> customers)
    {
        public double Of(IPurchaseModel model) => customers.Sum(c => model.LogLikelihood(c.Frequency, c.Recency, c.Age));
    }
}
