using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application.Analytics;
using Tailor.Core.Analytics;
using Tailor.Server.Hosting;

namespace Tailor.Server.Analytics;

/// <summary>
/// <c>/api/analytics</c>: start a run of any kind (queued, then run in the background by <see cref="AnalyticsRunner"/>),
/// follow it, read its result and download its charts and models. Errors are problem documents naming the field.
/// </summary>
public static class AnalyticsApi
{
    /// <summary>What <c>POST /api/analytics/runs</c> takes.</summary>
    /// <param name="Parameters">The job's own parameters (docs/analytics.md per kind).</param>
    public sealed record RunRequest(string? Kind, JsonElement? Parameters, DateTimeOffset? AsOf);

    public static RouteGroupBuilder MapAnalyticsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("analytics").WithTags("Analytics");
        group.MapGet("kinds", (AnalyticsRuns runs) => TypedResults.Ok(runs.Kinds)).WithName("AnalyticsKinds").WithSummary("The kinds of run that can be started");
        group.MapPost("runs", StartAsync).WithName("StartAnalyticsRun").WithSummary("Queue a run; 202 with the run, then poll it");
        group.MapGet("runs", ListAsync).WithName("ListAnalyticsRuns").WithSummary("Runs, newest first, optionally of one kind");
        group.MapGet("runs/{id}", GetAsync).WithName("GetAnalyticsRun").WithSummary("One run: status, parameters, result or error, artifact names");
        group.MapGet("runs/{id}/artifacts/{name}", ArtifactAsync).WithName("GetAnalyticsArtifact").WithSummary("A chart (SVG/PNG) or model file kept with a run");
        group.MapPost("schedules", ScheduleAsync).WithName("CreateAnalyticsSchedule").WithSummary("Repeat a kind of run every interval (30m, 6h, 1d)");
        group.MapGet("schedules", (AnalyticsSchedules schedules, CancellationToken ct) => schedules.ListAsync(ct)).WithName("ListAnalyticsSchedules")
            .WithSummary("Schedules, the next due first");
        group.MapDelete("schedules/{id}", async Task<Results<NoContent, NotFound>> (string id, AnalyticsSchedules schedules, CancellationToken ct) =>
            (await schedules.DeleteAsync(id, ct)).Succeeded ? TypedResults.NoContent() : TypedResults.NotFound()).WithName("DeleteAnalyticsSchedule").WithSummary("Stop a schedule");
        return api;
    }

    /// <summary>What <c>POST /api/analytics/schedules</c> takes.</summary>
    public sealed record ScheduleRequest(string? Kind, JsonElement? Parameters, string? Every, DateTimeOffset? FirstAt);

    private static async Task<Results<Created<AnalyticsSchedule>, ProblemHttpResult>> ScheduleAsync(ScheduleRequest request, AnalyticsSchedules schedules,
        AnalyticsRunner runner, CancellationToken ct)
    {
        var created = await schedules.CreateAsync(request.Kind, request.Parameters, request.Every, request.FirstAt, ct);
        if (!created.Succeeded) return ApiProblems.For(created.Problem!);
        runner.Wake(); // so it waits for the new schedule's moment
        return TypedResults.Created($"/api/analytics/schedules/{created.Value!.Id}", created.Value);
    }

    private static async Task<Results<Accepted<AnalyticsRun>, ProblemHttpResult>> StartAsync(RunRequest request, AnalyticsRuns runs, AnalyticsRunner runner, CancellationToken ct)
    {
        var queued = await runs.QueueAsync(request.Kind, request.Parameters, request.AsOf, ct);
        if (!queued.Succeeded) return ApiProblems.For(queued.Problem!);
        runner.Wake();
        return TypedResults.Accepted($"/api/analytics/runs/{queued.Value!.Id}", queued.Value);
    }

    private static async Task<Results<Ok<AnalyticsRun[]>, ProblemHttpResult>> ListAsync(string? kind, int? limit, AnalyticsRuns runs, CancellationToken ct)
    {
        if (limit is < 1 or > AnalyticsRuns.MaxListed) return ApiProblems.Invalid("limit", $"must be between 1 and {AnalyticsRuns.MaxListed}");
        return TypedResults.Ok((await runs.ListAsync(kind, limit ?? 50, ct)).ToArray());
    }

    private static async Task<Results<Ok<AnalyticsRun>, NotFound>> GetAsync(string id, AnalyticsRuns runs, CancellationToken ct) =>
        (await runs.GetAsync(id, ct)).Value is { } run ? TypedResults.Ok(run) : TypedResults.NotFound();

    private static async Task<IResult> ArtifactAsync(string id, string name, AnalyticsRuns runs, HttpContext http, CancellationToken ct)
    {
        var found = await runs.ArtifactAsync(id, name, ct);
        if (!found.Succeeded) return TypedResults.NotFound();
        // A chart's labels come from trait and item names, which are user data: an SVG must never run script here.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(found.Value!.Content, found.Value.MediaType, found.Value.Name);
    }
}
