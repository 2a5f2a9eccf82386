using System.Text.Json;

namespace Tailor.Core.Analytics;

/// <summary>
/// One run of an analytics job, stored with what it was asked (<see cref="Parameters"/>), the moment its data was taken
/// as of, and what it produced (<see cref="Result"/>, artifacts kept beside it), so a score on a profile can be traced to
/// the run, parameters and data that made it.
/// </summary>
/// <param name="Id"><c>run_…</c>; also the version written with every score the run wrote back.</param>
/// <param name="Kind">The job: <c>rfm</c>, <c>cluster</c>, <c>clv</c>, <c>propensity</c>, <c>recommend</c>, <c>rules</c>.</param>
/// <param name="Error">Why a failed run failed, in words (a refused parameter names the field and rule).</param>
/// <param name="Promoted">For kinds with a model in use: this run's model is the one in use (until a later run is promoted).</param>
public sealed record AnalyticsRun(
    string Id,
    string Kind,
    AnalyticsRunStatus Status,
    JsonElement Parameters,
    DateTimeOffset AsOf,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt = null,
    JsonElement? Result = null,
    string? Error = null,
    long ProfilesWritten = 0,
    bool Promoted = false,
    IReadOnlyList<string>? ArtifactNames = null);
