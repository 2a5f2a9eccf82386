using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

public sealed class BgNbdLikelihoodTests
{
    [Fact]
    public void The_cached_sum_used_for_fitting_equals_the_sum_of_the_per_customer_likelihoods()
    {
        // The per-customer expression is the one checked against scipy (ModelReferenceTests); the fit uses a cached form.
        var truth = new BgNbdModel(0.243, 4.414, 0.793, 2.426);
        var random = new Random(7);
        var customers = Enumerable.Range(0, 500).Select(i => LifetimeSimulator.BgNbdCustomer(truth, 20 + random.Next(0, 20), random, $"c{i}")).ToArray();
        var cached = new BgNbdLikelihood(SummaryTable.Of(customers));
        foreach (var m in new[] { truth, new BgNbdModel(1.5, 0.7, 2.2, 0.9) })
        {
            var direct = customers.Sum(c => m.LogLikelihood(c.Frequency, c.Recency, c.Age));
            Assert.Equal(direct, cached.Of(m.R, m.Alpha, m.A, m.B), Math.Abs(direct) * 1e-12);
        }
    }
}
