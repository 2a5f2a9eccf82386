namespace Tailor.Analytics.Experiments;

/// <summary>
/// The full result of analysing an experiment from its sufficient statistics: the settings used (method, α, tuning,
/// prior, correction), the sample-ratio check, each metric's comparisons, progress against the plan, and the decision
/// in words for the primary metric.
/// </summary>
/// <param name="Method">The method used.</param>
/// <param name="Alpha">The significance level.</param>
/// <param name="SequentialTuning">The sequential tuning parameter (shown for every method, used by sequential).</param>
/// <param name="Prior">The Bayesian prior in words ("flat", "normal(0, 0.3) on relative lift").</param>
/// <param name="Correction">The multiple-comparison correction applied.</param>
/// <param name="Units">Units over all arms.</param>
/// <param name="PlannedUnits">The planned total, when given.</param>
/// <param name="Progress">Units / planned units, when planned.</param>
/// <param name="SampleRatio">The sample-ratio-mismatch check.</param>
/// <param name="Metrics">Per metric, in input order; the first is primary.</param>
/// <param name="Verdict">The experiment's call on its primary metric (Broken on a sample ratio mismatch).</param>
/// <param name="Decision">The call in words ("not yet: 41% of planned sample", "this test is broken: sample ratio mismatch …").</param>
public sealed record ExperimentAnalysis(
    TestMethod Method,
    double Alpha,
    double SequentialTuning,
    string Prior,
    MultipleComparisonCorrection Correction,
    long Units,
    long? PlannedUnits,
    double? Progress,
    SampleRatioCheck SampleRatio,
    IReadOnlyList<MetricAnalysis> Metrics,
    Verdict Verdict,
    string Decision);
