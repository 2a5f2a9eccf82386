namespace Tailor.Application.Analytics;

/// <summary>
/// One kind of analytics run (<c>rfm</c>, <c>cluster</c>, <c>clv</c>, <c>propensity</c>, <c>recommend</c>, <c>rules</c>):
/// reads what it needs through the storage roles, calls the pure numerics in <c>Tailor.Analytics</c>, writes scores
/// back (through <see cref="ScoreWriter"/>) and returns what a person should see. Most jobs derive from
/// <see cref="AnalyticsJob{TParameters}"/>, which reads and checks typed parameters. <see cref="AnalyticsRuns"/> stores
/// the run around it, so the API, the CLI and the scheduler start every kind the same way.
/// </summary>
public interface IAnalyticsJob
{
    /// <summary>The name runs of this kind are started and listed by, e.g. <c>rfm</c>.</summary>
    string Kind { get; }

    /// <summary>The first rule <paramref name="parameters"/> break, or null: lets the API refuse a run before queueing it.</summary>
    OperationProblem? Check(System.Text.Json.JsonElement parameters);

    /// <summary>
    /// Runs once. <paramref name="request"/> carries the parameters as given (a JSON object: a job reads them into its
    /// own typed record and refuses a bad one with <see cref="OperationProblem.Invalid(string, string)"/>, naming the
    /// field as <c>parameters.&lt;name&gt;</c>), the run id and the as-of moment.
    /// </summary>
    Task<OperationResult<AnalyticsOutput>> RunAsync(AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct);
}
