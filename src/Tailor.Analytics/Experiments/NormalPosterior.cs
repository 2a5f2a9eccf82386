using MathNet.Numerics.Distributions;

namespace Tailor.Analytics.Experiments;

/// <summary>
/// The normal model of a lift: the likelihood is N(estimate, variance) (delta-method variance), the prior flat or
/// N(m₀, τ²), so the posterior is N(μ, σ²) with 1/σ² = 1/variance + 1/τ² and μ = σ²(estimate/variance + m₀/τ²).
/// Chance to beat, expected losses and the credible interval are closed forms of that normal.
/// </summary>
public static class NormalPosterior
{
    /// <summary>Posterior mean and standard deviation.</summary>
    public static (double Mean, double StandardDeviation) Posterior(double estimate, double variance, NormalPrior? prior)
    {
        if (prior is null)
            return (estimate, Math.Sqrt(variance));
        double priorPrecision = 1 / (prior.StandardDeviation * prior.StandardDeviation);
        double precision = 1 / variance + priorPrecision;
        double mean = (estimate / variance + prior.Mean * priorPrecision) / precision;
        return (mean, Math.Sqrt(1 / precision));
    }

    /// <summary>
    /// P(lift &gt; 0) = Φ(μ/σ); E[max(0, −lift)] = σφ(μ/σ) − μΦ(−μ/σ) (loss of choosing the treatment);
    /// E[max(0, lift)] = σφ(μ/σ) + μΦ(μ/σ) (loss of keeping control); the equal-tailed interval μ ± z₁₋α/₂σ.
    /// With <paramref name="higherIsBetter"/> false the lift's sign is flipped for chance and losses.
    /// </summary>
    public static BayesianResult Summarise(string model, double mean, double sd, double alpha, bool higherIsBetter)
    {
        double z = Normal.InvCDF(0, 1, 1 - alpha / 2);
        var interval = new Interval(mean - z * sd, mean + z * sd);
        double m = higherIsBetter ? mean : -mean;
        double u = m / sd;
        double chance = Normal.CDF(0, 1, u);
        double density = Normal.PDF(0, 1, u);
        double lossTreatment = sd * density - m * Normal.CDF(0, 1, -u);
        double lossControl = sd * density + m * chance;
        return new BayesianResult(model, chance, Math.Max(lossTreatment, 0), Math.Max(lossControl, 0), interval);
    }
}
