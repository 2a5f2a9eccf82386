using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Analytics.Experiments;
using Tailor.Application.Experiments;
using Tailor.Server.Hosting;

namespace Tailor.Server.Experiments;

/// <summary>
/// <c>POST /api/experiments/analyze</c>: analysis from summary data. The body is an experiment's per-arm sufficient
/// statistics and options (the same JSON <c>tailor experiments analyze FILE.json</c> reads); the answer is every
/// figure of the analysis. The admin guard in front of <c>/api</c> bounds the body's size and depth; the statistics
/// bound arms (≤ 50) and metrics (≤ 50) and refuse a bad field by name.
/// </summary>
public static class ExperimentAnalysisApi
{
    public static RouteGroupBuilder MapExperimentAnalysisApi(this RouteGroupBuilder api)
    {
        api.MapGroup("experiments").WithTags("Experiments")
            .MapPost("analyze", Analyze).WithName("AnalyzeExperimentSummary")
            .WithSummary("Analyse an experiment from per-arm sufficient statistics: lifts, intervals, p-values, Bayesian chance to beat control, SRM, the decision");
        return api;
    }

    private static Results<Ok<ExperimentAnalysis>, ProblemHttpResult> Analyze(AnalyzeRequest request)
    {
        var result = SummaryAnalysis.Analyze(request);
        return result.Problem is { } problem ? ApiProblems.For(problem) : TypedResults.Ok(result.Value!);
    }
}
