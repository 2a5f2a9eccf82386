using Tailor.Application.DeadLetters;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Storage;
using Tailor.Server.Profiles;
using Tailor.Server.Hosting;

namespace Tailor.Server.DeadLetters;

/// <summary>
/// <c>/api/dead-letters</c>: what the background stages set aside, listed (newest first, by stage and state, a page at
/// a time), inspected and replayed (one, or every pending entry of a stage). Errors are problem documents.
/// </summary>
public static class DeadLettersApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapDeadLettersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("dead-letters").WithTags("Dead letters");
        group.MapGet("", ListAsync).WithName("ListStoredDeadLetters").WithSummary("Dead letters, newest first; filter by stage and pending, page with before");
        group.MapGet("{id:long}", GetAsync).WithName("GetStoredDeadLetter").WithSummary("One dead letter with its payload and error");
        group.MapPost("{id:long}/replay", ReplayAsync).WithName("ReplayStoredDeadLetter").WithSummary("Put one dead letter through its stage again (once)");
        group.MapPost("replay", ReplayStageAsync).WithName("ReplayStoredDeadLetterStage").WithSummary("Replay every pending dead letter of a stage");
        return api;
    }

    private static async Task<Results<Ok<DeadLetter[]>, ProblemHttpResult>> ListAsync(string? stage, bool? pending, long? before, int? limit, IDeadLetterStore store, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit) return ApiProblems.Invalid("limit", $"must be between 1 and {MaxLimit}");
        return TypedResults.Ok((await store.ListDeadLettersAsync(new DeadLetterQuery(stage, pending, before, limit ?? 100), ct)).ToArray());
    }

    private static async Task<Results<Ok<DeadLetter>, ProblemHttpResult>> GetAsync(long id, IDeadLetterStore store, CancellationToken ct) =>
        await store.GetDeadLetterAsync(id, ct) is { } letter ? TypedResults.Ok(letter) : NotFound(id);

    private static async Task<Results<Ok<DeadLetterReplayOutcome>, ProblemHttpResult>> ReplayAsync(long id, DeadLetterReplays replays, CancellationToken ct)
    {
        var outcome = await replays.ReplayAsync(id, ct);
        return outcome.Status switch
        {
            DeadLetterReplayOutcome.NotFound => NotFound(id),
            DeadLetterReplayOutcome.NoReplayer => TypedResults.Problem(title: "This stage cannot be replayed", detail: outcome.Error, statusCode: StatusCodes.Status409Conflict),
            DeadLetterReplayOutcome.Failed => TypedResults.Problem(title: $"Replaying dead letter {id} failed; it stays pending", detail: outcome.Error,
                statusCode: StatusCodes.Status422UnprocessableEntity),
            _ => TypedResults.Ok(outcome),
        };
    }

    public sealed record StageReplay(string Stage, int Replayed, int AlreadyReplayed, DeadLetterReplayOutcome[] Failed);

    private static async Task<Results<Ok<StageReplay>, ProblemHttpResult>> ReplayStageAsync(string? stage, DeadLetterReplays replays, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(stage)) return ApiProblems.Invalid("stage", "is required");
        if (!replays.Stages.Contains(stage))
            return ApiProblems.Invalid("stage", $"must be a stage that can be replayed: {string.Join(", ", replays.Stages.Order(StringComparer.Ordinal))}");
        var outcomes = await replays.ReplayStageAsync(stage, ct);
        return TypedResults.Ok(new StageReplay(stage, outcomes.Count(o => o.Status == DeadLetterReplayOutcome.Replayed),
            outcomes.Count(o => o.Status == DeadLetterReplayOutcome.AlreadyReplayed), [.. outcomes.Where(o => o.Status == DeadLetterReplayOutcome.Failed)]));
    }

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(title: $"Dead letter {id} does not exist", statusCode: StatusCodes.Status404NotFound);
}
