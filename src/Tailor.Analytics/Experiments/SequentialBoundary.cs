namespace Tailor.Analytics.Experiments;

/// <summary>
/// The two-sided normal-mixture confidence sequence (Howard, Ramdas, McAuliffe and Sekhon 2021, eq. 14; asymptotic
/// form of Waudby-Smith et al.), as GrowthBook's gbstats uses it. With N the units of both arms, σ̂² the estimate's
/// variance times N, and the mixing parameter ρ chosen so the sequence is tightest at N = tuning:
/// ρ² = (−2 ln α + ln(−2 ln α + 1)) / tuning,
/// half-width = σ̂ · √( 2(Nρ² + 1) / (N²ρ²) · ln(√(Nρ² + 1) / α) ),
/// and the always-valid p-value is the α at which the sequence just touches zero:
/// p = min(1, √(Nρ² + 1) · exp(−ρ² N·est² / (2·var·(Nρ² + 1)))).
/// </summary>
public static class SequentialBoundary
{
    /// <summary>The mixing parameter ρ for significance <paramref name="alpha"/> and the tuning sample size.</summary>
    public static double Rho(double alpha, double tuning)
    {
        double l = -2 * Math.Log(alpha);
        return Math.Sqrt((l + Math.Log(l + 1)) / tuning);
    }

    /// <summary>Half-width of the (1 − α) confidence sequence for an estimate of variance <paramref name="variance"/> after <paramref name="units"/> units.</summary>
    public static double HalfWidth(double variance, double units, double alpha, double tuning)
    {
        double rho = Rho(alpha, tuning);
        double r2 = rho * rho;
        double s2 = variance * units;
        return Math.Sqrt(s2) * Math.Sqrt(2 * (units * r2 + 1) / (units * units * r2) * Math.Log(Math.Sqrt(units * r2 + 1) / alpha));
    }

    /// <summary>The always-valid p-value of <paramref name="estimate"/> against 0 (ρ fixed at the configured α).</summary>
    public static double PValue(double estimate, double variance, double units, double alpha, double tuning)
    {
        double rho = Rho(alpha, tuning);
        double r2 = rho * rho;
        double t = units * r2 + 1;
        double logP = 0.5 * Math.Log(t) - r2 * units * estimate * estimate / (2 * variance * t);
        return Math.Min(1, Math.Exp(logP));
    }
}
