namespace Tailor.Analytics.Experiments;

/// <summary>Checks sums and options before analysis, naming the offending field as the JSON does.</summary>
internal static class SumsValidator
{
    public const int MaxArms = 50;
    public const int MaxMetrics = 50;

    /// <summary>Most units in one arm (a trillion): beyond it the numerics are not trusted.</summary>
    public const long MaxUnits = 1_000_000_000_000;

    /// <summary>Most treatment × metric comparisons in one analysis: a Bayesian rate comparison integrates numerically (~0.1 s).</summary>
    public const int MaxComparisons = 100;

    public static InputProblem? Check(ExperimentSums sums, AnalysisOptions options) => Options(options) ?? Sums(sums);

    private static InputProblem? Options(AnalysisOptions o)
    {
        if (o is null) return new("options", "must be an object");
        if (!Enum.IsDefined(o.Method)) return new("options.method", "must be sequential, fixedHorizon or bayesian");
        if (!Enum.IsDefined(o.Correction)) return new("options.correction", "must be none, holm or benjaminiHochberg");
        if (o.RatePrior is null) return new("options.ratePrior", "must be an object with alpha and beta");
        if (!(o.Alpha > 0 && o.Alpha < 0.5)) return new("options.alpha", "must be between 0 and 0.5 (exclusive)");
        if (!(o.SequentialTuning >= 1 && o.SequentialTuning <= 1e12)) return new("options.sequentialTuning", "must be between 1 and 1e12");
        if (o.Prior is { } p && !(double.IsFinite(p.Mean) && p.StandardDeviation > 0 && double.IsFinite(p.StandardDeviation)))
            return new("options.prior", "must have a finite mean and a positive, finite standardDeviation");
        if (!(o.RatePrior.Alpha > 0 && o.RatePrior.Beta > 0 && double.IsFinite(o.RatePrior.Alpha) && double.IsFinite(o.RatePrior.Beta)))
            return new("options.ratePrior", "alpha and beta must be positive and finite");
        if (o.PlannedUnits is { } planned && planned < 2) return new("options.plannedUnits", "must be at least 2");
        if (!(o.SrmThreshold > 0 && o.SrmThreshold < 1)) return new("options.srmThreshold", "must be between 0 and 1 (exclusive)");
        return null;
    }

    private static InputProblem? Sums(ExperimentSums sums)
    {
        if (sums.Arms is null || sums.Arms.Count < 2 || sums.Arms.Count > MaxArms) return new("arms", $"must list between 2 and {MaxArms} arms");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < sums.Arms.Count; i++)
        {
            var arm = sums.Arms[i];
            if (arm is null || string.IsNullOrWhiteSpace(arm.Name) || arm.Name.Length > 200) return new($"arms[{i}].name", "is required (at most 200 characters)");
            if (!names.Add(arm.Name)) return new($"arms[{i}].name", "must be unique");
            if (!(arm.Weight > 0 && double.IsFinite(arm.Weight))) return new($"arms[{i}].weight", "must be positive and finite");
        }
        if (string.IsNullOrEmpty(sums.Control) || !names.Contains(sums.Control)) return new("control", "must name one of the arms");
        if (sums.Metrics is null || sums.Metrics.Count < 1 || sums.Metrics.Count > MaxMetrics) return new("metrics", $"must list between 1 and {MaxMetrics} metrics");
        if ((sums.Arms.Count - 1) * sums.Metrics.Count > MaxComparisons)
            return new("metrics", $"(arms − 1) × metrics must be at most {MaxComparisons} comparisons; split the analysis");
        for (int m = 0; m < sums.Metrics.Count; m++)
        {
            var metric = sums.Metrics[m];
            string at = $"metrics[{m}]";
            if (metric is null || string.IsNullOrWhiteSpace(metric.Name) || metric.Name.Length > 200) return new($"{at}.name", "is required (at most 200 characters)");
            if (!Enum.IsDefined(metric.Kind)) return new($"{at}.kind", "must be rate, mean or ratio");
            if (metric.Arms is null || metric.Arms.Count != sums.Arms.Count) return new($"{at}.arms", "must have one entry per arm of the experiment");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int withCovariate = 0;
            for (int i = 0; i < metric.Arms.Count; i++)
            {
                var arm = metric.Arms[i];
                string f = $"{at}.arms[{i}]";
                if (arm is null || arm.Arm is null || !names.Contains(arm.Arm)) return new($"{f}.arm", "must name one of the experiment's arms");
                if (!seen.Add(arm.Arm)) return new($"{f}.arm", "must be unique within the metric");
                if (arm.Units is < 0 or > MaxUnits) return new($"{f}.units", "must be between 0 and 10^12");
                if (Arm(metric.Kind, arm, f) is { } problem) return problem;
                if (arm.CovariateSum is not null) withCovariate++;
            }
            if (withCovariate != 0 && withCovariate != metric.Arms.Count) return new($"{at}.arms", "must give covariate sums for every arm or for none");
        }
        return null;
    }

    private static InputProblem? Arm(MetricKind kind, ArmSums a, string f)
    {
        if (kind == MetricKind.Rate)
        {
            if (a.Conversions is not { } c) return new($"{f}.conversions", "is required for a rate metric");
            if (c < 0 || c > a.Units) return new($"{f}.conversions", "must be between 0 and units");
        }
        else
        {
            if (Required(a.Sum, $"{f}.sum", kind) is { } p1) return p1;
            if (Required(a.SumOfSquares, $"{f}.sumOfSquares", kind) is { } p2) return p2;
            if (a.SumOfSquares < 0) return new($"{f}.sumOfSquares", "must be zero or more");
            if (Inconsistent(a.Sum!.Value, a.SumOfSquares!.Value, a.Units)) return new($"{f}.sumOfSquares", "must be at least sum² / units (the sums are inconsistent)");
        }
        if (kind == MetricKind.Ratio)
        {
            if (Required(a.DenominatorSum, $"{f}.denominatorSum", kind) is { } p1) return p1;
            if (Required(a.DenominatorSumOfSquares, $"{f}.denominatorSumOfSquares", kind) is { } p2) return p2;
            if (Required(a.NumeratorDenominatorProducts, $"{f}.numeratorDenominatorProducts", kind) is { } p3) return p3;
            if (a.Units > 0 && a.DenominatorSum == 0) return new($"{f}.denominatorSum", "must not be 0 when the arm has units");
            if (Inconsistent(a.DenominatorSum!.Value, a.DenominatorSumOfSquares!.Value, a.Units))
                return new($"{f}.denominatorSumOfSquares", "must be at least denominatorSum² / units (the sums are inconsistent)");
        }
        if (a.CovariateSum is null) return null;
        var plain = Covariate(a.CovariateSum, $"{f}.covariateSum") ?? Covariate(a.CovariateSumOfSquares, $"{f}.covariateSumOfSquares")
            ?? Covariate(a.ValueCovariateProducts, $"{f}.valueCovariateProducts");
        if (plain is not null) return plain;
        if (kind != MetricKind.Ratio) return null;
        return Covariate(a.CovariateDenominatorSum, $"{f}.covariateDenominatorSum")
            ?? Covariate(a.CovariateDenominatorSumOfSquares, $"{f}.covariateDenominatorSumOfSquares")
            ?? Covariate(a.CovariateNumeratorDenominatorProducts, $"{f}.covariateNumeratorDenominatorProducts")
            ?? Covariate(a.NumeratorCovariateDenominatorProducts, $"{f}.numeratorCovariateDenominatorProducts")
            ?? Covariate(a.DenominatorCovariateProducts, $"{f}.denominatorCovariateProducts")
            ?? Covariate(a.DenominatorCovariateDenominatorProducts, $"{f}.denominatorCovariateDenominatorProducts")
            ?? (a.Units > 0 && a.CovariateDenominatorSum == 0 ? new($"{f}.covariateDenominatorSum", "must not be 0 when the arm has units") : null);
    }

    // Σy² ≥ (Σy)²/n for any real values (Cauchy–Schwarz); a small relative slack allows for rounding in the caller's sums.
    private static bool Inconsistent(double sum, double squares, long units) =>
        units > 0 && squares * units < sum * sum * (1 - 1e-9) - 1e-12;

    private static InputProblem? Required(double? value, string field, MetricKind kind) =>
        value is not { } v ? new(field, $"is required for a {kind.ToString().ToLowerInvariant()} metric")
        : !double.IsFinite(v) ? new(field, "must be a finite number") : null;

    private static InputProblem? Covariate(double? value, string field) =>
        value is not { } v ? new(field, "is required when covariate sums are given (CUPED)")
        : !double.IsFinite(v) ? new(field, "must be a finite number") : null;
}
