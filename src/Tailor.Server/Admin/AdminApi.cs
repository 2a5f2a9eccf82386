using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application.Access;
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
        // Listing and creating sources (write-key and connector ones alike) are in Sources/SourcesApi.
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

    public sealed record RotateRequest(string? Grace);

    public sealed record IdentitySecretView(string Secret, string Origin);

    private static async Task<Results<Ok<RotatedSource>, NotFound, ProblemHttpResult>> RotateSourceAsync(string id, RotateRequest? request, AccessOperations access,
        AccessKeys keys, SecurityOptions security, CancellationToken ct)
    {
        if (Grace(request, security) is not { } grace) return ApiProblems.Invalid("grace", KeyGrace.Rule);
        var rotated = await access.RotateWriteKeyAsync(id, grace, ct);
        keys.Forget();
        return rotated.Problem is null ? TypedResults.Ok(rotated.Value!) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<Source>, NotFound>> RevokeSourceAsync(string id, AccessOperations access, AccessKeys keys, CancellationToken ct)
    {
        var revoked = await access.RevokeSourceAsync(id, ct);
        if (revoked.Problem is not null) return TypedResults.NotFound();
        keys.Forget();
        return TypedResults.Ok(revoked.Value!);
    }

    private static TimeSpan? Grace(RotateRequest? request, SecurityOptions security) =>
        request?.Grace is null ? security.KeyRotationGrace : KeyGrace.TryParse(request.Grace, out var grace) ? grace : null;

    /// <param name="PreviousKeyValidUntil">When the key it replaces stops working.</param>
    public sealed record RotatedAdminKey(string Id, string Name, string Key, DateTimeOffset PreviousKeyValidUntil);

    private static async Task<Results<Ok<RotatedAdminKey>, NotFound, ProblemHttpResult>> RotateAdminKeyAsync(string id, RotateRequest? request, AccessOperations access,
        AccessKeys keys, SecurityOptions security, CancellationToken ct)
    {
        if (Grace(request, security) is not { } grace) return ApiProblems.Invalid("grace", KeyGrace.Rule);
        if ((await access.RotateAdminKeyAsync(id, grace, ct)).Value is not { } issued) return TypedResults.NotFound();
        keys.Forget();
        return TypedResults.Ok(new RotatedAdminKey(issued.Stored.Id, issued.Stored.Name, issued.Key, issued.PreviousKeyValidUntil!.Value));
    }

    private static async Task<Results<Ok<AdminKey>, NotFound>> RevokeAdminKeyAsync(string id, AccessOperations access, AccessKeys keys, CancellationToken ct)
    {
        if ((await access.RevokeAdminKeyAsync(id, ct)).Value is not { } revoked) return TypedResults.NotFound();
        keys.Forget();
        return TypedResults.Ok(revoked);
    }

    /// <param name="Scopes">What the key may do (docs/security.md); every scope (<c>admin</c>) when left out.</param>
    /// <param name="ExpiresIn">How long the key works, e.g. <c>90d</c>; for ever when left out.</param>
    public sealed record CreateAdminKeyRequest(string? Name, string[]? Scopes = null, string? ExpiresIn = null);

    public sealed record CreatedAdminKey(string Id, string Name, string Key, string Scopes, DateTimeOffset? ExpiresAt);

    private static async Task<Results<Created<CreatedAdminKey>, ProblemHttpResult>> CreateAdminKeyAsync(CreateAdminKeyRequest request, AccessOperations access, CancellationToken ct)
    {
        TimeSpan? expiresIn = null;
        if (request.ExpiresIn is not null)
        {
            if (!KeyGrace.TryParseDuration(request.ExpiresIn, out var lifetime)) return ApiProblems.Invalid("expiresIn", "must be a duration such as 30m, 24h or 90d");
            expiresIn = lifetime;
        }
        var created = await access.CreateAdminKeyAsync(request.Name, ct, request.Scopes, expiresIn);
        if (created.Value is not { } issued) return ApiProblems.Invalid(created.Problem!.Field, created.Problem.Rule);
        var stored = issued.Stored;
        return TypedResults.Created($"/api/admin-keys/{stored.Id}", new CreatedAdminKey(stored.Id, stored.Name, issued.Key, stored.Scopes, stored.ExpiresAt));
    }

    /// <param name="Lag">Events logged but not yet folded into profiles.</param>
    /// <param name="DeadLetters">Items set aside by any stage and not replayed yet.</param>
    /// <param name="Followers">Each background stage: state, position, lag, last error, dead letters.</param>
    public sealed record PipelineStatus(long LogPosition, long PipelinePosition, long Lag, long Profiles, long DeadLetters, IReadOnlyList<FollowerStatus> Followers)
    {
        /// <summary>Event retention's last run, people erased, events dropped for a suppressed identifier (docs/privacy.md).</summary>
        public Tailor.Server.Privacy.PrivacyStatus? Privacy { get; init; }

        /// <summary>Each destination of the <c>destinations</c> follower: state, paused, positions, lag, last error, dead letters (docs/connectors.md).</summary>
        public IReadOnlyList<Application.Destinations.DestinationStatusView> Destinations { get; init; } = [];
    }

    private static async Task<Ok<PipelineStatus>> PipelineAsync(IPositionStore positions, IProfileStore profiles, IEventLog log, IDeadLetterStore deadLetters, FollowerHost followers,
        IPrivacyStore privacy, Application.Destinations.DestinationOperations destinations, CancellationToken ct)
    {
        // Pipeline first: it only ever trails the log, so a log position read after it is never behind it (lag >= 0).
        var processed = await positions.FoldedUpToAsync(ct);
        var last = await log.LastSequenceAsync(ct);
        var pending = await deadLetters.PendingDeadLettersAsync(ct);
        return TypedResults.Ok(new PipelineStatus(last, processed, last - processed, await profiles.ProfileCountAsync(ct), pending.Values.Sum(),
            await followers.StatusAsync(ct))
        {
            Privacy = await Tailor.Server.Privacy.PrivacyStatus.ReadAsync(privacy, ct),
            Destinations = await destinations.StatusesAsync(ct),
        });
    }
}
