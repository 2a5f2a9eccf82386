using Tailor.Application;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Server.Ingestion;
using Tailor.Application.Merges;
using Tailor.Server.Hosting;

namespace Tailor.Server.Profiles;

/// <summary>Merges and their undo, and what the merge guards and profile caps refused (admin key).</summary>
public static class MergesApi
{
    public static RouteGroupBuilder MapMergesApi(this RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("profiles").WithTags("Profiles");
        profiles.MapGet("merges/{id:long}", GetAsync).WithName("GetMerge").WithSummary("One merge: who joined whom, why, and whether it was undone");
        profiles.MapPost("merges/{id:long}/undo", UndoAsync).WithName("UndoMerge")
            .WithSummary("Undo a merge: both profiles come back as if it had never happened (applied by the pipeline in log order)");
        profiles.MapGet("refusals", RefusalsAsync).WithName("ListRefusals").WithSummary("What merge guards and profile caps refused, newest first");
        profiles.MapGet("{id}/refusals", ProfileRefusalsAsync).WithName("ListProfileRefusals").WithSummary("What the caps refused on one profile, newest first");
        return api;
    }

    private static async Task<Results<Ok<ProfileMerge>, NotFound>> GetAsync(long id, MergeOperations merges, CancellationToken ct) =>
        await merges.GetAsync(id, ct) is { Succeeded: true, Value: { } record } ? TypedResults.Ok(record.Merge) : TypedResults.NotFound();

    /// <summary>What an accepted undo request answers: the merge it names and the request's messageId in the log.</summary>
    public sealed record UndoAccepted(long MergeId, string MessageId);

    private static async Task<Results<Accepted<UndoAccepted>, NotFound, ProblemHttpResult>> UndoAsync(
        long id, MergeOperations merges, EventLogWriter log, CancellationToken ct)
    {
        var request = await merges.RequestUndoAsync(id, ProfilesApi.ApiSource, ct);
        if (request.Problem is { } problem)
            return problem.Kind == ProblemKind.NotFound
                ? TypedResults.NotFound()
                : TypedResults.Problem(title: $"Merge {id} {problem.Rule}", statusCode: StatusCodes.Status409Conflict);
        await log.WriteAsync([request.Value!], ct); // through the group-commit writer, which wakes the pipeline
        return TypedResults.Accepted($"/api/profiles/merges/{id}", new UndoAccepted(id, request.Value!.MessageId));
    }

    private static async Task<Results<Ok<ProfileRefusal[]>, ProblemHttpResult>> RefusalsAsync(int? limit, IMergeStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        return TypedResults.Ok((await store.RefusalsAsync(null, limit ?? 100, ct)).ToArray());
    }

    private static async Task<Results<Ok<ProfileRefusal[]>, NotFound, ProblemHttpResult>> ProfileRefusalsAsync(
        string id, int? limit, IProfileStore profiles, IMergeStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        if (await profiles.GetProfileAsync(id, ct) is not { } profile) return TypedResults.NotFound();
        return TypedResults.Ok((await store.RefusalsAsync(profile.Id, limit ?? 100, ct)).ToArray());
    }
}
