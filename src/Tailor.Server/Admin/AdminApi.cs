using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;
using Tailor.Server.Profiles;

namespace Tailor.Server.Admin;

/// <summary>Sources and their write keys, admin keys, and the pipeline's progress (admin key).</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("sources").WithTags("Sources");
        sources.MapGet("", async (IAccessStore store, CancellationToken ct) => TypedResults.Ok((await store.ListSourcesAsync(ct)).ToArray()))
            .WithName("ListSources").WithSummary("Every source with its write key");
        sources.MapPost("", CreateSourceAsync).WithName("CreateSource").WithSummary("Create a source; its write key is generated unless given");

        api.MapPost("admin-keys", CreateAdminKeyAsync).WithTags("Keys").WithName("CreateAdminKey")
            .WithSummary("Create an admin key; the key is shown only in this response");
        api.MapGet("pipeline", PipelineAsync).WithTags("Pipeline").WithName("GetPipelineStatus")
            .WithSummary("How far the profile pipeline has got through the event log, and every background stage's state, lag, last error and dead letters");
        return api;
    }

    public sealed record CreateSourceRequest(string? Name, string? WriteKey);

    private static async Task<Results<Created<Source>, ProblemHttpResult>> CreateSourceAsync(CreateSourceRequest request, IAccessStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) return ProfilesApi.Invalid("name", "is required");
        if (request.WriteKey is { Length: < 8 }) return ProfilesApi.Invalid("writeKey", "must be at least 8 characters");
        if (await store.FindSourceByNameAsync(request.Name, ct) is not null) return ProfilesApi.Invalid("name", "must be unique: a source with this name exists");
        var source = await store.CreateSourceAsync(request.Name, request.WriteKey ?? AccessKeys.NewKey("wk"), ct);
        return TypedResults.Created($"/api/sources/{source.Id}", source);
    }

    public sealed record CreateAdminKeyRequest(string? Name);

    public sealed record CreatedAdminKey(string Id, string Name, string Key);

    private static async Task<Results<Created<CreatedAdminKey>, ProblemHttpResult>> CreateAdminKeyAsync(CreateAdminKeyRequest request, IAccessStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) return ProfilesApi.Invalid("name", "is required");
        var key = AccessKeys.NewKey("tk_admin");
        var created = await store.CreateAdminKeyAsync(request.Name, AccessKeys.Hash(key), ct);
        return TypedResults.Created($"/api/admin-keys/{created.Id}", new CreatedAdminKey(created.Id, created.Name, key));
    }

    /// <param name="Lag">Events logged but not yet folded into profiles.</param>
    /// <param name="DeadLetters">Items set aside by any stage and not replayed yet.</param>
    /// <param name="Followers">Each background stage: state, position, lag, last error, dead letters.</param>
    public sealed record PipelineStatus(long LogPosition, long PipelinePosition, long Lag, long Profiles, long DeadLetters, IReadOnlyList<FollowerStatus> Followers);

    private static async Task<Ok<PipelineStatus>> PipelineAsync(ITailorStore store, FollowerHost followers, CancellationToken ct)
    {
        // Pipeline first: it only ever trails the log, so a log position read after it is never behind it (lag >= 0).
        var processed = await store.PipelinePositionAsync(ct);
        var log = await store.LastSequenceAsync(ct);
        var pending = await store.PendingDeadLettersAsync(ct);
        return TypedResults.Ok(new PipelineStatus(log, processed, log - processed, await store.ProfileCountAsync(ct), pending.Values.Sum(),
            await followers.StatusAsync(ct)));
    }
}
