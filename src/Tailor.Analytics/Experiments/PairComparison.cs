using MathNet.Numerics.Distributions;

namespace Tailor.Analytics.Experiments;

/// <summary>
/// One treatment arm against control on one metric, before multiple-comparison adjustment and the decision: CUPED,
/// the absolute lift and its own test, the relative lift by the delta method, and the method's interval and p-value.
/// </summary>
internal static class PairComparison
{
    public static Comparison Compare(MetricSums metric, ArmSums controlSums, ArmSums treatmentSums, AnalysisOptions options)
    {
        if (controlSums.Units < 2 || treatmentSums.Units < 2)
            return Degenerate(metric, controlSums, treatmentSums, Name(metric.Kind, options.Method, false), "an arm has fewer than 2 units");
        var a = ArmMoments.From(metric.Kind, controlSums, options.UseCovariate);
        var b = ArmMoments.From(metric.Kind, treatmentSums, options.UseCovariate);
        double na = a.Units, nb = b.Units;

        CupedAdjustment? cuped = null;
        var aa = a;
        var bb = b;
        double unadjustedVariance = a.Variance / na + b.Variance / nb;
        bool useCuped = a.HasCovariate && b.HasCovariate && a.CovariateVariance / na + b.CovariateVariance / nb > 0;
        if (useCuped)
        {
            // θ minimising Var(ΔY − θΔX): the within-arm covariances and covariate variances pooled with weights 1/n.
            double theta = (a.Covariance / na + b.Covariance / nb) / (a.CovariateVariance / na + b.CovariateVariance / nb);
            aa = a.Adjusted(theta);
            bb = b.Adjusted(theta);
            double adjustedVariance = aa.Variance / na + bb.Variance / nb;
            double removed = unadjustedVariance > 0 ? 1 - adjustedVariance / unadjustedVariance : 0;
            var unadjusted = new LiftEstimate(b.Mean - a.Mean, Math.Sqrt(unadjustedVariance), default);
            cuped = new CupedAdjustment(theta, removed, unadjusted);
        }

        string name = Name(metric.Kind, options.Method, useCuped);
        double absolute = bb.Mean - aa.Mean;
        double absoluteVariance = aa.Variance / na + bb.Variance / nb;
        if (a.Mean == 0 || !(absoluteVariance > 0) || !double.IsFinite(absoluteVariance))
            return Degenerate(metric, controlSums, treatmentSums, name, a.Mean == 0 ? "the control's mean is 0, so a relative lift is undefined" : "there is no variance to test yet");

        // Delta method for (B − A)/A with the unadjusted means in the gradient (as gbstats): Var = v_B/(Ā²n_B) + v_A·B̄²/(Ā⁴n_A).
        double relative = absolute / a.Mean;
        double relativeVariance = bb.Variance / (a.Mean * a.Mean * nb) + aa.Variance * b.Mean * b.Mean / Math.Pow(a.Mean, 4) / na;
        double? df = metric.Kind == MetricKind.Rate ? null : WelchDegreesOfFreedom(aa.Variance, na, bb.Variance, nb);

        var absoluteTest = AbsoluteTest(metric.Kind, controlSums, treatmentSums, absolute, absoluteVariance, df, useCuped);
        double alpha = options.Alpha;
        var comparison = options.Method switch
        {
            TestMethod.Sequential => Frequentist(metric, controlSums, treatmentSums, name, cuped, absoluteTest,
                absolute, absoluteVariance, relative, relativeVariance, null,
                SequentialBoundary.HalfWidth(absoluteVariance, na + nb, alpha, options.SequentialTuning),
                SequentialBoundary.HalfWidth(relativeVariance, na + nb, alpha, options.SequentialTuning),
                SequentialBoundary.PValue(relative, relativeVariance, na + nb, alpha, options.SequentialTuning)),
            TestMethod.FixedHorizon => FixedHorizon(metric, controlSums, treatmentSums, name, cuped, absoluteTest,
                absolute, absoluteVariance, relative, relativeVariance, df, alpha),
            _ => Bayesian(metric, controlSums, treatmentSums, a, b, cuped, absoluteTest, absolute, absoluteVariance, relative, relativeVariance, options),
        };
        // Sums that are finite but inconsistent or extreme (1e300², a variance below zero by rounding) can still give
        // no finite figure; say so rather than answer NaN, which JSON cannot carry.
        return AllFinite(comparison) ? comparison
            : Degenerate(metric, controlSums, treatmentSums, name, "the sums give no finite estimate (check that they are consistent)");
    }

    private static bool AllFinite(Comparison c)
    {
        static bool F(double? x) => x is not { } v || double.IsFinite(v);
        static bool L(LiftEstimate? l) => l is null || (F(l.Value) && F(l.StandardError) && F(l.Interval.Lower) && F(l.Interval.Upper) && F(l.TestStatistic) && F(l.PValue));
        return L(c.AbsoluteLift) && L(c.RelativeLift) && F(c.TestStatistic) && F(c.DegreesOfFreedom) && F(c.PValue)
            && (c.Cuped is null || (F(c.Cuped.Theta) && F(c.Cuped.VarianceRemoved) && L(c.Cuped.UnadjustedLift)))
            && (c.Bayesian is null || (F(c.Bayesian.ChanceToBeatControl) && F(c.Bayesian.ExpectedLoss) && F(c.Bayesian.ExpectedLossControl)
                && F(c.Bayesian.CredibleInterval.Lower) && F(c.Bayesian.CredibleInterval.Upper)));
    }

    /// <summary>(v_A/n_A + v_B/n_B)² / ((v_A/n_A)²/(n_A − 1) + (v_B/n_B)²/(n_B − 1)).</summary>
    internal static double WelchDegreesOfFreedom(double va, double na, double vb, double nb)
    {
        double sa = va / na, sb = vb / nb;
        return (sa + sb) * (sa + sb) / (sa * sa / (na - 1) + sb * sb / (nb - 1));
    }

    private static string Name(MetricKind kind, TestMethod method, bool cuped)
    {
        string on = kind switch
        {
            MetricKind.Rate => "relative lift of two proportions",
            MetricKind.Ratio => "relative lift of a ratio metric (delta-method variance of each ratio)",
            _ => "relative lift of two means",
        };
        string test = method switch
        {
            TestMethod.Sequential => "normal-mixture always-valid confidence sequence and p-value (Howard et al. 2021)",
            TestMethod.FixedHorizon => kind == MetricKind.Rate ? "z test" : "Welch t (Welch–Satterthwaite df)",
            _ => "normal posterior",
        };
        return $"{test} on {on}, delta-method variance{(cuped ? ", CUPED-adjusted (θ pooled over both arms)" : "")}";
    }

    private static LiftEstimate AbsoluteTest(MetricKind kind, ArmSums control, ArmSums treatment, double lift, double variance, double? df, bool cuped)
    {
        if (kind == MetricKind.Rate && !cuped)
        {
            // As statsmodels' proportions_ztest: the difference over its standard error under H0 (pooled proportion).
            double n1 = treatment.Units, n2 = control.Units;
            double pooled = (treatment.Conversions!.Value + control.Conversions!.Value) / (n1 + n2);
            double se0 = Math.Sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
            double z = se0 > 0 ? lift / se0 : 0;
            return new LiftEstimate(lift, Math.Sqrt(variance), default)
            {
                Statistic = "two-proportion z test, pooled variance under H0",
                TestStatistic = z,
                PValue = 2 * Normal.CDF(0, 1, -Math.Abs(z)),
            };
        }
        double stat = lift / Math.Sqrt(variance);
        return new LiftEstimate(lift, Math.Sqrt(variance), default)
        {
            Statistic = df is null ? "z test on the difference (unpooled variance)" : "Welch t on the difference (Welch–Satterthwaite df)",
            TestStatistic = stat,
            PValue = TwoSided(stat, df),
        };
    }

    internal static double TwoSided(double stat, double? df) =>
        2 * (df is { } d ? StudentT.CDF(0, 1, d, -Math.Abs(stat)) : Normal.CDF(0, 1, -Math.Abs(stat)));

    internal static double Quantile(double alpha, double? df) =>
        df is { } d ? StudentT.InvCDF(0, 1, d, 1 - alpha / 2) : Normal.InvCDF(0, 1, 1 - alpha / 2);

    private static Comparison FixedHorizon(MetricSums metric, ArmSums control, ArmSums treatment, string name, CupedAdjustment? cuped, LiftEstimate absoluteTest,
        double absolute, double absoluteVariance, double relative, double relativeVariance, double? df, double alpha)
    {
        double q = Quantile(alpha, df);
        double stat = relative / Math.Sqrt(relativeVariance);
        return Frequentist(metric, control, treatment, name, cuped, absoluteTest, absolute, absoluteVariance, relative, relativeVariance, df,
            q * Math.Sqrt(absoluteVariance), q * Math.Sqrt(relativeVariance), TwoSided(stat, df));
    }

    private static Comparison Frequentist(MetricSums metric, ArmSums control, ArmSums treatment, string name, CupedAdjustment? cuped, LiftEstimate absoluteTest,
        double absolute, double absoluteVariance, double relative, double relativeVariance, double? df,
        double absoluteHalfWidth, double relativeHalfWidth, double p)
    {
        var absoluteLift = absoluteTest with { Interval = new Interval(absolute - absoluteHalfWidth, absolute + absoluteHalfWidth) };
        var relativeLift = new LiftEstimate(relative, Math.Sqrt(relativeVariance), new Interval(relative - relativeHalfWidth, relative + relativeHalfWidth));
        return new Comparison(treatment.Arm, control.Arm, name, absoluteLift, relativeLift, relative / Math.Sqrt(relativeVariance), df, p, p,
            cuped, null, Verdict.Inconclusive, "");
    }

    private static Comparison Bayesian(MetricSums metric, ArmSums control, ArmSums treatment, ArmMoments a, ArmMoments b, CupedAdjustment? cuped, LiftEstimate absoluteTest,
        double absolute, double absoluteVariance, double relative, double relativeVariance, AnalysisOptions options)
    {
        double z = Normal.InvCDF(0, 1, 1 - options.Alpha / 2);
        BayesianResult result;
        LiftEstimate relativeLift, absoluteLift;
        if (metric.Kind == MetricKind.Rate && cuped is null)
        {
            var pa = BetaBinomial.Posterior(control.Conversions!.Value, control.Units, options.RatePrior);
            var pb = BetaBinomial.Posterior(treatment.Conversions!.Value, treatment.Units, options.RatePrior);
            var (better, worse) = metric.HigherIsBetter ? (pb, pa) : (pa, pb);
            double chance = BetaBinomial.ChanceToBeat(worse, better);
            double lossTreatment = metric.HigherIsBetter ? BetaBinomial.ExpectedLoss(pa, pb) : BetaBinomial.ExpectedLoss(pb, pa);
            double lossControl = metric.HigherIsBetter ? BetaBinomial.ExpectedLoss(pb, pa) : BetaBinomial.ExpectedLoss(pa, pb);
            var credible = new Interval(BetaBinomial.RelativeLiftQuantile(pa, pb, options.Alpha / 2), BetaBinomial.RelativeLiftQuantile(pa, pb, 1 - options.Alpha / 2));
            string model = $"beta-binomial, Beta({options.RatePrior.Alpha:G4}, {options.RatePrior.Beta:G4}) prior on each rate, numeric integration";
            result = new BayesianResult(model, chance, lossTreatment, lossControl, credible);
            relativeLift = new LiftEstimate(relative, Math.Sqrt(relativeVariance), credible);
            absoluteLift = absoluteTest with { Interval = new Interval(absolute - z * Math.Sqrt(absoluteVariance), absolute + z * Math.Sqrt(absoluteVariance)) };
        }
        else
        {
            var (mean, sd) = NormalPosterior.Posterior(relative, relativeVariance, options.Prior);
            string prior = options.Prior is { } p ? $"normal({p.Mean:G4}, {p.StandardDeviation:G4}) prior" : "flat prior";
            result = NormalPosterior.Summarise($"normal posterior on relative lift, {prior}, delta-method variance{(cuped is null ? "" : ", CUPED-adjusted")}",
                mean, sd, options.Alpha, metric.HigherIsBetter);
            relativeLift = new LiftEstimate(mean, sd, result.CredibleInterval);
            // The same prior, scaled to absolute units by the control mean.
            var absPrior = options.Prior is { } q ? new NormalPrior(q.Mean * a.Mean, q.StandardDeviation * Math.Abs(a.Mean)) : null;
            var (absMean, absSd) = NormalPosterior.Posterior(absolute, absoluteVariance, absPrior);
            absoluteLift = absoluteTest with { Value = absMean, StandardError = absSd, Interval = new Interval(absMean - z * absSd, absMean + z * absSd) };
        }
        return new Comparison(treatment.Arm, control.Arm, result.Model, absoluteLift, relativeLift, null, null, null, null, cuped, result, Verdict.Inconclusive, "");
    }

    private static Comparison Degenerate(MetricSums metric, ArmSums control, ArmSums treatment, string name, string why)
    {
        var zero = new LiftEstimate(0, 0, new Interval(0, 0));
        return new Comparison(treatment.Arm, control.Arm, name, zero, zero, null, null, null, null, null, null, Verdict.Inconclusive,
            $"{treatment.Arm} vs {control.Arm} on {metric.Name}: cannot be compared yet: {why}");
    }
}
