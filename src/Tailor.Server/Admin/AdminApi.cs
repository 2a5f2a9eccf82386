using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Pipeline;
using Tailor.Application;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;
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
        sources.MapPost("{id}/rotate", RotateSourceAsync).WithName("RotateWriteKey")
            .WithSummary("Give a source a new write key; the old one keeps working for the grace period");
        sources.MapPost("{id}/revoke", RevokeSourceAsync).WithName("RevokeWriteKey").WithSummary("Refuse every write key of a source from now on");

        var keys = api.MapGroup("admin-keys").WithTags("Keys");
        keys.MapPost("", CreateAdminKeyAsync).WithName("CreateAdminKey").WithSummary("Create an admin key; the key is shown only in this response");
        keys.MapGet("", async (IAccessStore store, CancellationToken ct) => TypedResults.Ok((await store.ListAdminKeysAsync(ct)).ToArray()))
            .WithName("ListAdminKeys").WithSummary("Every admin key: name, id, when it expires or was revoked (never the key)");
        keys.MapPost("{id}/rotate", RotateAdminKeyAsync).WithName("RotateAdminKey")
            .WithSummary("A new admin key in place of this one, shown only in this response; the old one keeps working for the grace period");
        keys.MapPost("{id}/revoke", RevokeAdminKeyAsync).WithName("RevokeAdminKey").WithSummary("Refuse an admin key from now on");
        api.MapGet("identity-secret", async (Content.IdentityVerification identity, CancellationToken ct) =>
            {
                var (secret, configured) = await identity.SecretAsync(ct);
                return TypedResults.Ok(new IdentitySecretView(secret, configured ? "configured (TAILOR_IDENTITY_SECRET)" : "generated and stored"));
            }).WithTags("Keys").WithName("GetIdentitySecret")
            .WithSummary("The secret the shop's server computes /v1/personalize's userHash with (HMAC-SHA256 of the userId)");
        api.MapGet("pipeline", PipelineAsync).WithTags("Pipeline").WithName("GetPipelineStatus")
            .WithSummary("How far the profile pipeline has got through the event log, and every background stage's state, lag, last error and dead letters");
        return api;
    }

    public sealed record CreateSourceRequest(string? Name, string? WriteKey);

    private static async Task<Results<Created<Source>, ProblemHttpResult>> CreateSourceAsync(CreateSourceRequest request, IAccessStore store, IdSource ids, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) return ApiProblems.Invalid("name", "is required");
        if (request.WriteKey is { Length: < 8 }) return ApiProblems.Invalid("writeKey", "must be at least 8 characters");
        if (await store.FindSourceByNameAsync(request.Name, ct) is not null) return ApiProblems.Invalid("name", "must be unique: a source with this name exists");
        var source = await store.CreateSourceAsync(new Source(ids.New("src"), request.Name, request.WriteKey ?? AccessKeys.NewKey("wk"), time.GetUtcNow()), ct);
        return TypedResults.Created($"/api/sources/{source.Id}", source);
    }

    public sealed record RotateRequest(string? Grace);

    /// <param name="PreviousKeyValidUntil">When the key it replaces stops working.</param>
    public sealed record RotatedSource(Source Source, DateTimeOffset PreviousKeyValidUntil);

    public sealed record IdentitySecretView(string Secret, string Origin);

    private static async Task<Results<Ok<RotatedSource>, NotFound, ProblemHttpResult>> RotateSourceAsync(string id, RotateRequest? request, IAccessStore store,
        AccessKeys keys, SecurityOptions security, TimeProvider time, CancellationToken ct)
    {
        if (Grace(request, security) is not { } grace) return ApiProblems.Invalid("grace", KeyGrace.Rule);
        if (await FindSourceAsync(id, store, ct) is not { } source) return TypedResults.NotFound();
        var until = time.GetUtcNow() + grace;
        var rotated = await store.RotateWriteKeyAsync(source.Id, AccessKeys.NewKey("wk"), until, ct);
        keys.Forget();
        return rotated is null ? TypedResults.NotFound() : TypedResults.Ok(new RotatedSource(rotated, source.RevokedAt is null ? until : source.RevokedAt.Value));
    }

    private static async Task<Results<Ok<Source>, NotFound>> RevokeSourceAsync(string id, IAccessStore store, AccessKeys keys, TimeProvider time, CancellationToken ct)
    {
        if (await FindSourceAsync(id, store, ct) is not { } source || !await store.RevokeSourceAsync(source.Id, time.GetUtcNow(), ct)) return TypedResults.NotFound();
        keys.Forget();
        return TypedResults.Ok((await store.FindSourceByNameAsync(source.Name, ct))!);
    }

    /// <summary>A source by id or name.</summary>
    private static async Task<Source?> FindSourceAsync(string idOrName, IAccessStore store, CancellationToken ct) =>
        (await store.ListSourcesAsync(ct)).FirstOrDefault(s => s.Id == idOrName) ?? await store.FindSourceByNameAsync(idOrName, ct);

    private static TimeSpan? Grace(RotateRequest? request, SecurityOptions security) =>
        request?.Grace is null ? security.KeyRotationGrace : KeyGrace.TryParse(request.Grace, out var grace) ? grace : null;

    /// <param name="PreviousKeyValidUntil">When the key it replaces stops working.</param>
    public sealed record RotatedAdminKey(string Id, string Name, string Key, DateTimeOffset PreviousKeyValidUntil);

    private static async Task<Results<Ok<RotatedAdminKey>, NotFound, ProblemHttpResult>> RotateAdminKeyAsync(string id, RotateRequest? request, IAccessStore store,
        AccessKeys keys, SecurityOptions security, IdSource ids, TimeProvider time, CancellationToken ct)
    {
        if (Grace(request, security) is not { } grace) return ApiProblems.Invalid("grace", KeyGrace.Rule);
        var key = AccessKeys.NewKey("tk_admin");
        var now = time.GetUtcNow();
        var until = now + grace;
        if (await store.RotateAdminKeyAsync(id, ids.New("key"), AccessKeys.Hash(key), now, until, ct) is not { } created) return TypedResults.NotFound();
        keys.Forget();
        var old = (await store.ListAdminKeysAsync(ct)).First(k => k.Id == id);
        return TypedResults.Ok(new RotatedAdminKey(created.Id, created.Name, key, old.ExpiresAt ?? until));
    }

    private static async Task<Results<Ok<AdminKey>, NotFound>> RevokeAdminKeyAsync(string id, IAccessStore store, AccessKeys keys, TimeProvider time, CancellationToken ct)
    {
        if (!await store.RevokeAdminKeyAsync(id, time.GetUtcNow(), ct)) return TypedResults.NotFound();
        keys.Forget();
        return TypedResults.Ok((await store.ListAdminKeysAsync(ct)).First(k => k.Id == id));
    }

    public sealed record CreateAdminKeyRequest(string? Name);

    public sealed record CreatedAdminKey(string Id, string Name, string Key);

    private static async Task<Results<Created<CreatedAdminKey>, ProblemHttpResult>> CreateAdminKeyAsync(CreateAdminKeyRequest request, IAccessStore store, IdSource ids, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) return ApiProblems.Invalid("name", "is required");
        var key = AccessKeys.NewKey("tk_admin");
        var created = await store.CreateAdminKeyAsync(new AdminKey(ids.New("key"), request.Name, time.GetUtcNow()), AccessKeys.Hash(key), ct);
        return TypedResults.Created($"/api/admin-keys/{created.Id}", new CreatedAdminKey(created.Id, created.Name, key));
    }

    /// <param name="Lag">Events logged but not yet folded into profiles.</param>
    /// <param name="DeadLetters">Items set aside by any stage and not replayed yet.</param>
    /// <param name="Followers">Each background stage: state, position, lag, last error, dead letters.</param>
    public sealed record PipelineStatus(long LogPosition, long PipelinePosition, long Lag, long Profiles, long DeadLetters, IReadOnlyList<FollowerStatus> Followers);

    private static async Task<Ok<PipelineStatus>> PipelineAsync(ITailorStore store, FollowerHost followers, CancellationToken ct)
    {
        // Pipeline first: it only ever trails the log, so a log position read after it is never behind it (lag >= 0).
        var processed = await store.PositionAsync(Followers.Profiles, ct);
        var log = await store.LastSequenceAsync(ct);
        var pending = await store.PendingDeadLettersAsync(ct);
        return TypedResults.Ok(new PipelineStatus(log, processed, log - processed, await store.ProfileCountAsync(ct), pending.Values.Sum(),
            await followers.StatusAsync(ct)));
    }
}
