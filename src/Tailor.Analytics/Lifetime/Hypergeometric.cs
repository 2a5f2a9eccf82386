namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Gauss's hypergeometric function ₂F₁(a, b; c; z), which MathNet.Numerics does not provide, summed as its power series
/// Σₖ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ for |z| &lt; 1 (the range the BG/NBD and Pareto/NBD expressions use: 0 ≤ z &lt; 1).
/// Terms follow tₖ₊₁ = tₖ (a + k)(b + k) z / ((c + k)(k + 1)); the sum stops once the ratio of successive terms is below
/// one and a term is below 1e-16 of the sum. The ratio tends to z, so about log(1e-16)/log(z) terms are needed
/// (≈ 37 at z = 0.37, ≈ 3,700 at z = 0.99); after <see cref="MaxTerms"/> terms the result is NaN rather than a wrong
/// number (the fits treat NaN as an infeasible point). For −1 &lt; z &lt; 0 it sums the series of Pfaff's transformation
/// (1 − z)^−a ₂F₁(a, c − b; c; z/(z − 1)) instead, which avoids the cancellation of an alternating series.
/// </summary>
public static class Hypergeometric
{
    /// <summary>The most terms summed before giving up (enough for z ≤ 0.9995 with moderate parameters).</summary>
    public const int MaxTerms = 100_000;

    /// <summary>₂F₁(a, b; c; z) for |z| &lt; 1; c must not be zero or a negative integer.</summary>
    public static double Hyp2F1(double a, double b, double c, double z)
    {
        if (!(Math.Abs(z) < 1) || double.IsNaN(a) || double.IsNaN(b) || double.IsNaN(c))
        {
            return double.NaN;
        }
        if (z == 0)
        {
            return 1;
        }
        // For negative z the series alternates and cancels; Pfaff's transformation maps z to z/(z − 1) in (0, ½).
        return z < 0 ? Math.Pow(1 - z, -a) * Series(a, c - b, c, z / (z - 1)) : Series(a, b, c, z);
    }

    private static double Series(double a, double b, double c, double z)
    {
        var term = 1.0;
        var sum = 1.0;
        for (var k = 0; k < MaxTerms; k++)
        {
            var ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            sum += term;
            if (term == 0 || (Math.Abs(ratio) < 1 && Math.Abs(term) <= 1e-16 * Math.Abs(sum)))
            {
                return sum;
            }
        }
        return double.NaN;
    }
}
