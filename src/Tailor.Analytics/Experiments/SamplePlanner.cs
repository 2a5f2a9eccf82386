using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;

namespace Tailor.Analytics.Experiments;

/// <summary>
/// Sample size per arm for a two-sided test of each treatment against control, equal allocation.
/// Rates (as statsmodels' <c>samplesize_proportions_2indep_onetail</c>): n = ((z₁₋α/2·√(2p̄(1 − p̄)) + z_power·√(p₁q₁ + p₂q₂)) / δ)²,
/// p̄ = (p₁ + p₂)/2, the far tail ignored. Means (as statsmodels' <c>NormalIndPower</c>): the n solving
/// Φ(d√(n/2) − z₁₋α/2) + Φ(−d√(n/2) − z₁₋α/2) = power with d = δ/σ.
/// </summary>
public static class SamplePlanner
{
    /// <summary>The first problem with the request, or null.</summary>
    public static InputProblem? Validate(SamplePlanRequest r)
    {
        if (r.Kind == MetricKind.Rate && !(r.Baseline > 0 && r.Baseline < 1)) return new("baseline", "must be a rate between 0 and 1 (exclusive)");
        if (!double.IsFinite(r.Baseline)) return new("baseline", "must be a finite number");
        if (!(double.IsFinite(r.MinimumDetectableEffect) && r.MinimumDetectableEffect != 0)) return new("minimumDetectableEffect", "must be a finite, non-zero number");
        if (r.Kind == MetricKind.Rate)
        {
            double p2 = r.Baseline + Delta(r);
            if (!(p2 > 0 && p2 < 1)) return new("minimumDetectableEffect", "must keep the treatment rate between 0 and 1");
        }
        else if (!(r.StandardDeviation is { } sd && sd > 0 && double.IsFinite(sd))) return new("standardDeviation", "is required for a mean and must be positive");
        if (r.RelativeEffect && r.Baseline == 0) return new("baseline", "must not be 0 for a relative effect");
        if (!(r.Alpha > 0 && r.Alpha < 0.5)) return new("alpha", "must be between 0 and 0.5 (exclusive)");
        if (!(r.Power > 0.5 && r.Power < 1)) return new("power", "must be between 0.5 and 1 (exclusive)");
        if (r.Variants is < 2 or > 50) return new("variants", "must be between 2 and 50");
        if (r.Comparisons is < 1 or > 10_000) return new("comparisons", "must be between 1 and 10000");
        if (r.DailyUnits is { } d && !(d > 0 && double.IsFinite(d))) return new("dailyUnits", "must be positive");
        return null;
    }

    /// <summary>Plans a valid request (see <see cref="Validate"/>).</summary>
    public static SamplePlan Plan(SamplePlanRequest r)
    {
        if (Validate(r) is { } problem) throw new ArgumentException($"{problem.Field} {problem.Rule}", nameof(r));
        int comparisons = r.Comparisons ?? r.Variants - 1;
        double alpha = r.Alpha / comparisons;
        double delta = Delta(r);
        double crit = Normal.InvCDF(0, 1, 1 - alpha / 2);
        double zPower = Normal.InvCDF(0, 1, r.Power);
        double n;
        string formula;
        if (r.Kind == MetricKind.Rate)
        {
            double p1 = r.Baseline + delta, p2 = r.Baseline, pooled = (p1 + p2) / 2;
            double stdNull = Math.Sqrt(2 * pooled * (1 - pooled)), stdAlt = Math.Sqrt(p1 * (1 - p1) + p2 * (1 - p2));
            n = Math.Pow((crit * stdNull + zPower * stdAlt) / delta, 2);
            formula = "normal approximation for two proportions, pooled variance under H0 and unpooled under H1, two-sided (far tail ignored)";
        }
        else
        {
            double d = Math.Abs(delta) / r.StandardDeviation!.Value;
            double Power(double units) => Normal.CDF(0, 1, d * Math.Sqrt(units / 2) - crit) + Normal.CDF(0, 1, -d * Math.Sqrt(units / 2) - crit);
            double start = 2 * Math.Pow((crit + zPower) / d, 2);
            n = Brent.FindRoot(units => Power(units) - r.Power, start * 0.5, start * 1.5, 1e-14, 200); // accuracy is on the power
            formula = "normal approximation for two means with common standard deviation (z test), two-sided, both tails";
        }
        long perArm = (long)Math.Ceiling(n - 1e-9);
        long total = perArm * r.Variants;
        int? days = r.DailyUnits is { } daily ? (int)Math.Min(int.MaxValue, Math.Ceiling(total / daily)) : null;
        if (comparisons > 1) formula += $", Bonferroni α/{comparisons}";
        return new SamplePlan(formula, alpha, comparisons, n, perArm, total, days);
    }

    private static double Delta(SamplePlanRequest r) => r.RelativeEffect ? r.Baseline * r.MinimumDetectableEffect : r.MinimumDetectableEffect;
}
