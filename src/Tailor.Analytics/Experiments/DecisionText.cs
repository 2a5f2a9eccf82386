using System.Globalization;

namespace Tailor.Analytics.Experiments;

/// <summary>The calls in words, one format everywhere: "B beats A on conversion: +12.3% relative, 95% CI [+4.1%, +20.5%], p = 0.003".</summary>
internal static class DecisionText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Percent(double share) => (share >= 0 ? "+" : "−") + Math.Abs(share * 100).ToString("0.0", Invariant) + "%";

    public static string Level(double alpha) => ((1 - alpha) * 100).ToString("0.##", Invariant) + "%";

    public static string P(double p) => p < 0.001 ? "p < 0.001" : "p = " + p.ToString("0.000", Invariant);

    public static string Frequentist(string metric, Comparison c, Verdict verdict, AnalysisOptions o, string progress)
    {
        string interval = o.Method == TestMethod.Sequential ? "always-valid CI" : "CI";
        string p = P(c.PValue!.Value);
        if (o.Correction != MultipleComparisonCorrection.None && c.AdjustedPValue != c.PValue)
            p += $" ({(o.Correction == MultipleComparisonCorrection.Holm ? "Holm" : "Benjamini–Hochberg")}-adjusted {P(c.AdjustedPValue!.Value)[4..]})";
        string figures = $"{Percent(c.RelativeLift.Value)} relative, {Level(o.Alpha)} {interval} [{Percent(c.RelativeLift.Interval.Lower)}, {Percent(c.RelativeLift.Interval.Upper)}], {p}";
        return verdict switch
        {
            Verdict.Wins => $"{c.Arm} beats {c.Control} on {metric}: {figures}",
            Verdict.Loses => $"{c.Arm} is worse than {c.Control} on {metric}: {figures}",
            Verdict.NotYet => $"not yet: {progress}; {c.Arm} vs {c.Control} on {metric} so far {figures}",
            _ => $"no significant difference between {c.Arm} and {c.Control} on {metric}{(o.Method == TestMethod.Sequential ? " yet" : "")}: {figures}",
        };
    }

    public static string Bayesian(string metric, Comparison c, Verdict verdict, AnalysisOptions o)
    {
        var b = c.Bayesian!;
        string figures = $"{(b.ChanceToBeatControl * 100).ToString("0.0", Invariant)}% chance to beat control, {Percent(c.RelativeLift.Value)} relative, "
            + $"{Level(o.Alpha)} credible interval [{Percent(b.CredibleInterval.Lower)}, {Percent(b.CredibleInterval.Upper)}], "
            + $"expected loss {b.ExpectedLoss.ToString("G3", Invariant)}";
        return verdict switch
        {
            Verdict.Wins => $"{c.Arm} beats {c.Control} on {metric}: {figures}",
            Verdict.Loses => $"{c.Arm} is worse than {c.Control} on {metric}: {figures}",
            _ => $"no clear winner between {c.Arm} and {c.Control} on {metric} yet: {figures}",
        };
    }

    public static string Progress(long units, long? planned) => planned is { } p
        ? $"{Math.Floor(100.0 * units / p).ToString("0", Invariant)}% of planned sample ({units.ToString("N0", Invariant)} of {p.ToString("N0", Invariant)} units)"
        : "no planned sample size, and a fixed-horizon test calls no winner without one";

    public static string Broken(SampleRatioCheck srm) =>
        $"this test is broken: sample ratio mismatch (χ² = {srm.ChiSquare.ToString("0.##", Invariant)}, df = {srm.DegreesOfFreedom}, "
        + $"p = {srm.PValue.ToString("0.##E+0", Invariant)} < threshold); do not trust its results. Likely causes: {string.Join("; ", srm.LikelyCauses)}";
}
