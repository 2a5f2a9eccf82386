using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tailor.Core.Analytics;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics;

/// <summary>
/// Starting, running and reading analytics runs, the same for every kind of job and for the API, the CLI and the
/// scheduler: a run is stored (queued) with its parameters and as-of moment before anything is computed, marked
/// running, then stored again with what it produced or why it failed — so a failed or interrupted run is visible, never lost.
/// </summary>
public sealed partial class AnalyticsRuns(IEnumerable<IAnalyticsJob> jobs, IAnalyticsStore store, IdSource ids, TimeProvider time, ILogger<AnalyticsRuns> logger)
{
    public const int MaxListed = 500;
    private readonly Dictionary<string, IAnalyticsJob> _jobs = jobs.ToDictionary(j => j.Kind, StringComparer.Ordinal);

    /// <summary>The kinds that can be run, in order.</summary>
    public IReadOnlyList<string> Kinds => [.. _jobs.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Checks the request and stores it as a queued run; <see cref="ExecuteAsync"/> runs it.</summary>
    /// <param name="asOf">The moment the data is taken as of; default now; not in the future.</param>
    public Task<OperationResult<AnalyticsRun>> QueueAsync(string? kind, JsonElement? parameters, DateTimeOffset? asOf, CancellationToken ct) =>
        QueueAsync(kind, parameters, asOf, ids.New("run"), ct);

    /// <summary>The first rule a request for <paramref name="kind"/> with <paramref name="parameters"/> breaks, or null.</summary>
    public OperationProblem? Check(string? kind, JsonElement? parameters)
    {
        if (string.IsNullOrEmpty(kind)) return OperationProblem.Invalid("kind", $"is required: one of {string.Join(", ", Kinds)}");
        if (!_jobs.TryGetValue(kind, out var job)) return OperationProblem.Invalid("kind", $"must be one of {string.Join(", ", Kinds)}");
        return job.Check(parameters is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } p ? p : AnalyticsParameters.Empty);
    }

    internal async Task<OperationResult<AnalyticsRun>> QueueAsync(string? kind, JsonElement? parameters, DateTimeOffset? asOf, string runId, CancellationToken ct)
    {
        if (Check(kind, parameters) is { } problem) return problem;
        var now = time.GetUtcNow();
        if (asOf > now) return OperationProblem.Invalid("asOf", "must not be in the future");
        var given = parameters is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } p ? p : AnalyticsParameters.Empty;
        var run = new AnalyticsRun(runId, kind!, AnalyticsRunStatus.Queued, given.Clone(), asOf ?? now, now);
        await store.SaveRunAsync(run, null, ct);
        return run;
    }

    /// <summary>Runs a queued run to its end and stores the outcome: succeeded with its result and artifacts, or failed with why.</summary>
    public async Task<AnalyticsRun> ExecuteAsync(AnalyticsRun queued, IProgress<AnalyticsProgress>? progress, CancellationToken ct)
    {
        var run = queued with { Status = AnalyticsRunStatus.Running };
        await store.SaveRunAsync(run, null, ct);
        OperationResult<AnalyticsOutput> outcome;
        try
        {
            outcome = await _jobs[run.Kind].RunAsync(new AnalyticsRequest(run.Id, run.Parameters, run.AsOf), progress ?? new Progress<AnalyticsProgress>(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogRunFailed(logger, ex, run.Id, run.Kind);
            outcome = new OperationProblem(ProblemKind.Invalid, "run", $"failed: {ex.Message}");
        }
        var finished = time.GetUtcNow();
        run = outcome.Succeeded
            ? run with
            {
                Status = AnalyticsRunStatus.Succeeded, FinishedAt = finished, Result = outcome.Value!.Result, ProfilesWritten = outcome.Value.ProfilesWritten,
                Promoted = outcome.Value.Promoted, ArtifactNames = [.. outcome.Value.Artifacts.Select(a => a.Name)],
            }
            : run with { Status = AnalyticsRunStatus.Failed, FinishedAt = finished, Error = $"{outcome.Problem!.Field}: {outcome.Problem.Rule}" };
        await store.SaveRunAsync(run, outcome.Value?.Artifacts, CancellationToken.None);
        return run;
    }

    /// <summary>Queues and runs at once (the CLI): a refused request comes back as its problem, a run that failed as a failed run.</summary>
    public async Task<OperationResult<AnalyticsRun>> RunAsync(string kind, JsonElement? parameters, DateTimeOffset? asOf, IProgress<AnalyticsProgress>? progress, CancellationToken ct)
    {
        var queued = await QueueAsync(kind, parameters, asOf, ct);
        return queued.Succeeded ? await ExecuteAsync(queued.Value!, progress, ct) : queued;
    }

    /// <summary>
    /// Marks a run a process left unfinished as failed (it stopped, or the run kept crashing the runner), so no run stays
    /// "running" for ever; it can be started again.
    /// </summary>
    public Task FailInterruptedAsync(AnalyticsRun run, CancellationToken ct, string? error = null) =>
        store.SaveRunAsync(run with
        {
            Status = AnalyticsRunStatus.Failed, FinishedAt = time.GetUtcNow(),
            Error = error ?? "run: interrupted: the process stopped before the run finished; start it again",
        }, null, ct);

    public async Task<OperationResult<AnalyticsRun>> GetAsync(string id, CancellationToken ct) =>
        await store.GetRunAsync(id, ct) is { } run ? run : OperationProblem.NotFound("run", $"no run has id {id}");

    public Task<IReadOnlyList<AnalyticsRun>> ListAsync(string? kind, int limit, CancellationToken ct) => store.ListRunsAsync(kind, Math.Clamp(limit, 1, MaxListed), ct);

    public async Task<OperationResult<AnalyticsArtifact>> ArtifactAsync(string runId, string name, CancellationToken ct) =>
        await store.GetArtifactAsync(runId, name, ct) is { } artifact ? artifact : OperationProblem.NotFound("artifact", $"run {runId} has no artifact named {name}");

    /// <summary>The run whose model of <paramref name="kind"/> is in use, or null.</summary>
    public Task<AnalyticsRun?> InUseAsync(string kind, CancellationToken ct) => store.LatestPromotedAsync(kind, ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Analytics run {RunId} ({Kind}) failed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string runId, string kind);
}
