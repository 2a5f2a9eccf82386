using MathNet.Numerics.Distributions;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Draws customers from the models' own stories, for parameter-recovery tests and benchmarks at scale (generated data is
/// for checking and scale only). Every customer makes a first purchase at time 0; the summary counts what follows in (0, T].
/// </summary>
public static class LifetimeSimulator
{
    /// <summary>BG/NBD: λ ~ Gamma(r, α), p ~ Beta(a, b); exponential gaps with rate λ; after each repeat purchase the customer leaves with probability p.</summary>
    public static CustomerSummary BgNbdCustomer(BgNbdModel model, double age, Random random, string id)
    {
        var lambda = MathNet.Numerics.Distributions.Gamma.Sample(random, model.R, model.Alpha);
        var p = Beta.Sample(random, model.A, model.B);
        var x = 0;
        var time = 0.0;
        var last = 0.0;
        while (true)
        {
            time += Exponential.Sample(random, lambda);
            if (time > age)
            {
                break;
            }
            x++;
            last = time;
            if (random.NextDouble() < p)
            {
                break;
            }
        }
        return new CustomerSummary(id, x, last, age, 0);
    }

    /// <summary>Pareto/NBD: λ ~ Gamma(r, α), μ ~ Gamma(s, β); purchases at rate λ until an exponential lifetime with rate μ ends.</summary>
    public static CustomerSummary ParetoNbdCustomer(ParetoNbdModel model, double age, Random random, string id)
    {
        var lambda = MathNet.Numerics.Distributions.Gamma.Sample(random, model.R, model.Alpha);
        var mu = MathNet.Numerics.Distributions.Gamma.Sample(random, model.S, model.Beta);
        var end = Math.Min(age, Exponential.Sample(random, mu));
        var x = 0;
        var time = 0.0;
        var last = 0.0;
        while (true)
        {
            time += Exponential.Sample(random, lambda);
            if (time > end)
            {
                break;
            }
            x++;
            last = time;
        }
        return new CustomerSummary(id, x, last, age, 0);
    }

    /// <summary>Gamma-Gamma: ν ~ Gamma(q, γ); the mean of <paramref name="x"/> transaction values drawn from Gamma(p, ν).</summary>
    public static double MeanSpend(GammaGammaModel model, int x, Random random)
    {
        var nu = MathNet.Numerics.Distributions.Gamma.Sample(random, model.Q, model.Gamma);
        var sum = 0.0;
        for (var i = 0; i < x; i++)
        {
            sum += MathNet.Numerics.Distributions.Gamma.Sample(random, model.P, nu);
        }
        return sum / x;
    }
}
