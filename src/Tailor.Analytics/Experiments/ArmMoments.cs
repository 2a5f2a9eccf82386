namespace Tailor.Analytics.Experiments;

/// <summary>
/// One arm's metric reduced to what the tests use: units, the metric's mean and its per-unit variance (so the mean's
/// variance is <c>Variance / Units</c>), and, with a covariate, the covariate's per-unit variance and its covariance
/// with the metric. Ratios are linearised by the delta method, so every kind looks like a mean from here on.
/// </summary>
internal readonly record struct ArmMoments(long Units, double Mean, double Variance, double CovariateMean, double CovariateVariance, double Covariance, bool HasCovariate)
{
    /// <summary>Reduces sums to moments; sample (n − 1) variances, and p(1 − p) for rates.</summary>
    public static ArmMoments From(MetricKind kind, ArmSums a, bool useCovariate)
    {
        double n = a.Units;
        return kind switch
        {
            MetricKind.Rate => Plain(a, a.Conversions!.Value / n, RateVariance(a.Conversions!.Value / n), useCovariate, a.Conversions!.Value),
            MetricKind.Mean => Plain(a, a.Sum!.Value / n, SampleCovariance(a.Sum!.Value, a.SumOfSquares!.Value, a.Sum!.Value, n), useCovariate, a.Sum!.Value),
            _ => Ratio(a, useCovariate),
        };
    }

    private static double RateVariance(double p) => p * (1 - p);

    /// <summary>Σxy − Σx·Σy/n over n − 1: the sample covariance (a variance when x = y).</summary>
    internal static double SampleCovariance(double sumX, double sumXy, double sumY, double n) => (sumXy - sumX * sumY / n) / (n - 1);

    private static ArmMoments Plain(ArmSums a, double mean, double variance, bool useCovariate, double sum)
    {
        double n = a.Units;
        if (!useCovariate || a.CovariateSum is not { } xs)
            return new ArmMoments(a.Units, mean, variance, 0, 0, 0, false);
        double xVar = SampleCovariance(xs, a.CovariateSumOfSquares!.Value, xs, n);
        double cov = SampleCovariance(sum, a.ValueCovariateProducts!.Value, xs, n);
        return new ArmMoments(a.Units, mean, variance, xs / n, xVar, cov, true);
    }

    // Ratio R = M̄ / D̄; by the delta method its per-unit variance is g'Σg with g = (1/D̄, −M̄/D̄²). With CUPED the
    // covariate is the pre-period ratio, linearised the same way, and the covariance between the two is g_post'Σ g_pre
    // over the 4×4 covariance of (m, d, m_pre, d_pre).
    private static ArmMoments Ratio(ArmSums a, bool useCovariate)
    {
        double n = a.Units;
        double m = a.Sum!.Value, d = a.DenominatorSum!.Value;
        double mBar = m / n, dBar = d / n;
        double vm = SampleCovariance(m, a.SumOfSquares!.Value, m, n);
        double vd = SampleCovariance(d, a.DenominatorSumOfSquares!.Value, d, n);
        double cmd = SampleCovariance(m, a.NumeratorDenominatorProducts!.Value, d, n);
        double g1 = 1 / dBar, g2 = -mBar / (dBar * dBar);
        double variance = g1 * g1 * vm + 2 * g1 * g2 * cmd + g2 * g2 * vd;
        if (!useCovariate || a.CovariateSum is not { } mx)
            return new ArmMoments(a.Units, m / d, variance, 0, 0, 0, false);

        double dx = a.CovariateDenominatorSum!.Value;
        double mxBar = mx / n, dxBar = dx / n;
        double vmx = SampleCovariance(mx, a.CovariateSumOfSquares!.Value, mx, n);
        double vdx = SampleCovariance(dx, a.CovariateDenominatorSumOfSquares!.Value, dx, n);
        double cmxdx = SampleCovariance(mx, a.CovariateNumeratorDenominatorProducts!.Value, dx, n);
        double h1 = 1 / dxBar, h2 = -mxBar / (dxBar * dxBar);
        double xVariance = h1 * h1 * vmx + 2 * h1 * h2 * cmxdx + h2 * h2 * vdx;

        double cMmx = SampleCovariance(m, a.ValueCovariateProducts!.Value, mx, n);
        double cMdx = SampleCovariance(m, a.NumeratorCovariateDenominatorProducts!.Value, dx, n);
        double cDmx = SampleCovariance(d, a.DenominatorCovariateProducts!.Value, mx, n);
        double cDdx = SampleCovariance(d, a.DenominatorCovariateDenominatorProducts!.Value, dx, n);
        double covariance = g1 * h1 * cMmx + g1 * h2 * cMdx + g2 * h1 * cDmx + g2 * h2 * cDdx;
        return new ArmMoments(a.Units, m / d, variance, mx / dx, xVariance, covariance, true);
    }

    /// <summary>The moments after the CUPED adjustment Y − θ(X − E X): the mean shifts by −θ·X̄, the variance shrinks.</summary>
    public ArmMoments Adjusted(double theta) => this with
    {
        Mean = Mean - theta * CovariateMean,
        Variance = Math.Max(Variance + theta * theta * CovariateVariance - 2 * theta * Covariance, 0),
    };
}
