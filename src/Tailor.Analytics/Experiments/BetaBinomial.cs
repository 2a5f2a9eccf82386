using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;

namespace Tailor.Analytics.Experiments;

/// <summary>
/// The beta-binomial model of two rates: each arm's rate has posterior Beta(α₀ + conversions, β₀ + units − conversions).
/// Every quantity is a one-dimensional integral over control's posterior, computed by double-exponential quadrature
/// (deterministic; no Monte Carlo):
/// P(B &gt; A) = ∫ f_A(a)(1 − I_a(α_B, β_B)) da;
/// E[max(0, A − B)] = ∫ f_A(a)(a·I_a(α_B, β_B) − μ_B·I_a(α_B + 1, β_B)) da;
/// the relative lift's CDF P(B/A − 1 ≤ r) = ∫ f_A(a)·I_min(1,(1+r)a)(α_B, β_B) da, inverted by Brent's method.
/// </summary>
public static class BetaBinomial
{
    /// <summary>Posterior parameters of a rate.</summary>
    public static (double Alpha, double Beta) Posterior(long conversions, long units, BetaPrior prior) =>
        (prior.Alpha + conversions, prior.Beta + units - conversions);

    /// <summary>P(rate B &gt; rate A).</summary>
    public static double ChanceToBeat((double Alpha, double Beta) a, (double Alpha, double Beta) b) =>
        Math.Clamp(OverA(a, x => 1 - SpecialFunctions.BetaRegularized(b.Alpha, b.Beta, x)), 0, 1);

    /// <summary>E[max(0, A − B)]: what choosing B loses, in rate units, when A is in fact better.</summary>
    public static double ExpectedLoss((double Alpha, double Beta) a, (double Alpha, double Beta) b)
    {
        double meanB = b.Alpha / (b.Alpha + b.Beta);
        return Math.Max(OverA(a, x => x * SpecialFunctions.BetaRegularized(b.Alpha, b.Beta, x) - meanB * SpecialFunctions.BetaRegularized(b.Alpha + 1, b.Beta, x)), 0);
    }

    /// <summary>The <paramref name="probability"/> quantile of the relative lift B/A − 1.</summary>
    public static double RelativeLiftQuantile((double Alpha, double Beta) a, (double Alpha, double Beta) b, double probability)
    {
        double Cdf(double r) => OverA(a, x => SpecialFunctions.BetaRegularized(b.Alpha, b.Beta, Math.Min(1, (1 + r) * x)));
        // Bracket from the normal approximation of the lift, widened until it holds the quantile.
        double meanA = a.Alpha / (a.Alpha + a.Beta), meanB = b.Alpha / (b.Alpha + b.Beta);
        double center = meanB / meanA - 1, spread = 10 * Math.Max(Math.Sqrt(Variance(a) / (meanA * meanA) + Variance(b) / (meanA * meanA)) * (1 + Math.Abs(center)), 1e-6);
        double lo = Math.Max(-1, center - spread), hi = center + spread;
        for (int i = 0; i < 60 && lo > -1 && Cdf(lo) > probability; i++) lo = Math.Max(-1, lo - spread);
        for (int i = 0; i < 60 && Cdf(hi) < probability; i++) hi += spread * (1 << Math.Min(i, 20));
        // NaN when the quantile cannot be found (extreme posteriors); the caller reports the comparison as degenerate.
        try
        {
            return Brent.TryFindRoot(r => Cdf(r) - probability, lo, hi, 1e-10, 200, out double root) ? root : double.NaN;
        }
        catch (ArithmeticException)
        {
            return double.NaN;
        }
    }

    private static double Variance((double Alpha, double Beta) p)
    {
        double s = p.Alpha + p.Beta;
        return p.Alpha * p.Beta / (s * s * (s + 1));
    }

    // ∫₀¹ f_A(x) g(x) dx, split at A's mean ± 10 sd so the quadrature puts its nodes on the peak when the posterior is
    // narrow; the outer pieces are integrated too, so skewed posteriors (few conversions) lose nothing.
    private static double OverA((double Alpha, double Beta) a, Func<double, double> g)
    {
        double mean = a.Alpha / (a.Alpha + a.Beta), sd = Math.Sqrt(Variance(a));
        double lo = Math.Max(0, mean - 10 * sd), hi = Math.Min(1, mean + 10 * sd);
        double F(double x) => x <= 0 || x >= 1 ? 0 : Math.Exp(Beta.PDFLn(a.Alpha, a.Beta, x)) * g(x);
        double total = Integrate.DoubleExponential(F, lo, hi, 1e-14);
        if (lo > 0) total += Integrate.DoubleExponential(F, 0, lo, 1e-14);
        if (hi < 1) total += Integrate.DoubleExponential(F, hi, 1, 1e-14);
        return total;
    }
}
