namespace Tailor.Analytics.Experiments;

/// <summary>
/// Analyses an experiment from its per-arm sufficient statistics: validates the input, checks the sample ratio, runs
/// the chosen test for each treatment arm × metric, adjusts p-values and states the decision. Pure and deterministic.
/// </summary>
public static class ExperimentAnalyzer
{
    /// <summary>The first problem with the input, or null when it can be analysed.</summary>
    public static InputProblem? Validate(ExperimentSums sums, AnalysisOptions options) => throw new NotImplementedException();

    /// <summary>Analyses valid input (see <see cref="Validate"/>); throws <see cref="ArgumentException"/> on invalid input.</summary>
    public static ExperimentAnalysis Analyze(ExperimentSums sums, AnalysisOptions options) => throw new NotImplementedException();
}
