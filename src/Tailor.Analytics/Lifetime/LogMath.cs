namespace Tailor.Analytics.Lifetime;

/// <summary>Sums of quantities held as logarithms, without overflow.</summary>
internal static class LogMath
{
    /// <summary>ln(eᵃ + eᵇ).</summary>
    public static double AddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }
        if (double.IsNegativeInfinity(b))
        {
            return a;
        }
        var max = Math.Max(a, b);
        return max + Math.Log(1 + Math.Exp(Math.Min(a, b) - max));
    }

    /// <summary>ln Γ(r + x) − ln Γ(r) for a whole x ≥ 0, as Σ ln(r + j): exact and cheaper than two ln Γ.</summary>
    public static double LogRisingFactorial(double r, int x)
    {
        if (x > 64)
        {
            return MathNet.Numerics.SpecialFunctions.GammaLn(r + x) - MathNet.Numerics.SpecialFunctions.GammaLn(r);
        }
        var sum = 0.0;
        for (var j = 0; j < x; j++)
        {
            sum += Math.Log(r + j);
        }
        return sum;
    }
}
