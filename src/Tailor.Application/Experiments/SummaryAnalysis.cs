using Tailor.Analytics.Experiments;

namespace Tailor.Application.Experiments;

/// <summary>
/// Analysis from summary data: an experiment run anywhere, given as per-arm sufficient statistics, analysed by the
/// same statistics as Tailor's own experiments. The one use case behind the CLI's <c>experiments analyze</c> and
/// <c>POST /api/experiments/analyze</c>.
/// </summary>
public static class SummaryAnalysis
{
    public static OperationResult<ExperimentAnalysis> Analyze(AnalyzeRequest request)
    {
        if (request.Arms is null) return OperationProblem.Invalid("arms", "is required: the arms with their planned weights");
        if (request.Metrics is null) return OperationProblem.Invalid("metrics", "is required: at least one metric with per-arm sums");
        var sums = request.ToSums();
        var options = request.Options ?? new AnalysisOptions();
        if (ExperimentAnalyzer.Validate(sums, options) is { } problem) return OperationProblem.Invalid(problem.Field, problem.Rule);
        return ExperimentAnalyzer.Analyze(sums, options);
    }
}
