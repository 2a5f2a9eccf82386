namespace Tailor.Analytics.Experiments;

/// <summary>
/// Analyses an experiment from its per-arm sufficient statistics: validates the input, checks the sample ratio, runs
/// the chosen test for each treatment arm × metric, adjusts p-values across all of them and states the decision.
/// Pure and deterministic. Formulas and defaults: docs/experiments.md, "Statistics".
/// </summary>
public static class ExperimentAnalyzer
{
    /// <summary>The first problem with the input, or null when it can be analysed.</summary>
    public static InputProblem? Validate(ExperimentSums sums, AnalysisOptions options) => SumsValidator.Check(sums, options);

    /// <summary>Analyses valid input (see <see cref="Validate"/>); throws <see cref="ArgumentException"/> on invalid input.</summary>
    public static ExperimentAnalysis Analyze(ExperimentSums sums, AnalysisOptions options)
    {
        if (Validate(sums, options) is { } problem)
            throw new ArgumentException($"{problem.Field} {problem.Rule}", nameof(sums));

        // The sample-ratio check counts the primary metric's units per arm, in the order the arms are listed.
        var primary = sums.Metrics[0];
        long[] observed = [.. sums.Arms.Select(arm => primary.Arms.First(s => s.Arm == arm.Name).Units)];
        var srm = SampleRatioMismatch.Check(observed, [.. sums.Arms.Select(a => a.Weight)], options.SrmThreshold);
        long units = observed.Sum();
        double? progress = options.PlannedUnits is { } planned ? (double)units / planned : null;

        var drafts = new List<(MetricSums Metric, List<Comparison> Comparisons)>();
        var pValues = new List<double>();
        foreach (var metric in sums.Metrics)
        {
            var control = metric.Arms.First(a => a.Arm == sums.Control);
            var comparisons = new List<Comparison>();
            foreach (var arm in sums.Arms)
            {
                if (arm.Name == sums.Control) continue;
                var c = PairComparison.Compare(metric, control, metric.Arms.First(a => a.Arm == arm.Name), options);
                comparisons.Add(c);
                if (c.PValue is { } p) pValues.Add(p);
            }
            drafts.Add((metric, comparisons));
        }

        double[] adjusted = PValueAdjustment.Adjust(pValues, options.Correction);
        bool beforePlan = options.Method == TestMethod.FixedHorizon && (options.PlannedUnits is not { } plan || units < plan);
        string progressText = DecisionText.Progress(units, options.PlannedUnits);
        int next = 0;
        var metrics = new List<MetricAnalysis>();
        foreach (var (metric, comparisons) in drafts)
        {
            var decided = new List<Comparison>();
            foreach (var c in comparisons)
            {
                if (c.Decision.Length > 0)
                {
                    decided.Add(c);
                    continue;
                }
                if (c.Bayesian is { } b)
                {
                    var bv = b.ChanceToBeatControl >= 1 - options.Alpha ? Verdict.Wins : b.ChanceToBeatControl <= options.Alpha ? Verdict.Loses : Verdict.Inconclusive;
                    decided.Add(c with { Verdict = bv, Decision = DecisionText.Bayesian(metric.Name, c, bv, options) });
                    continue;
                }
                var withAdjusted = c with { AdjustedPValue = adjusted[next++] };
                bool better = metric.HigherIsBetter ? c.RelativeLift.Value > 0 : c.RelativeLift.Value < 0;
                var verdict = beforePlan ? Verdict.NotYet
                    : withAdjusted.AdjustedPValue < options.Alpha ? (better ? Verdict.Wins : Verdict.Loses)
                    : Verdict.Inconclusive;
                decided.Add(withAdjusted with { Verdict = verdict, Decision = DecisionText.Frequentist(metric.Name, withAdjusted, verdict, options, progressText) });
            }
            metrics.Add(new MetricAnalysis(metric.Name, metric.Kind, metric.HigherIsBetter, [.. sums.Arms.Select(a => Estimate(metric, metric.Arms.First(s => s.Arm == a.Name), options))], decided));
        }

        var (overall, decision) = Overall(srm, metrics[0], beforePlan, progressText);
        string prior = options.Method != TestMethod.Bayesian ? "none (frequentist)"
            : options.Prior is { } np ? $"normal({np.Mean:G4}, {np.StandardDeviation:G4}) on relative lift; rates: Beta({options.RatePrior.Alpha:G4}, {options.RatePrior.Beta:G4})"
            : $"flat on relative lift; rates: Beta({options.RatePrior.Alpha:G4}, {options.RatePrior.Beta:G4})";
        return new ExperimentAnalysis(options.Method, options.Alpha, options.SequentialTuning, prior, options.Correction, units, options.PlannedUnits, progress,
            srm, metrics, overall, decision);
    }

    private static (Verdict, string) Overall(SampleRatioCheck srm, MetricAnalysis primary, bool beforePlan, string progress)
    {
        if (srm.Mismatch) return (Verdict.Broken, DecisionText.Broken(srm));
        if (beforePlan) return (Verdict.NotYet, $"not yet: {progress}");
        var verdict = primary.Comparisons.Any(c => c.Verdict == Verdict.Wins) ? Verdict.Wins
            : primary.Comparisons.Any(c => c.Verdict == Verdict.Loses) ? Verdict.Loses
            : Verdict.Inconclusive;
        return (verdict, string.Join("; ", primary.Comparisons.Select(c => c.Decision)));
    }

    // Each arm's value with a normal interval (CUPED not applied: it adjusts differences, not levels).
    private static ArmEstimate Estimate(MetricSums metric, ArmSums sums, AnalysisOptions options)
    {
        if (sums.Units < 2) return new ArmEstimate(sums.Arm, sums.Units, 0, 0, new Interval(0, 0));
        var m = ArmMoments.From(metric.Kind, sums, useCovariate: false);
        double se = Math.Sqrt(Math.Max(m.Variance, 0) / m.Units);
        double z = PairComparison.Quantile(options.Alpha, null);
        var estimate = new ArmEstimate(sums.Arm, sums.Units, m.Mean, se, new Interval(m.Mean - z * se, m.Mean + z * se));
        return double.IsFinite(m.Mean) && double.IsFinite(se) ? estimate : new ArmEstimate(sums.Arm, sums.Units, 0, 0, new Interval(0, 0));
    }
}
