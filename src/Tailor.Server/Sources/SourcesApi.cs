using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application;
using Tailor.Application.Access;
using Tailor.Application.Sources;
using Tailor.Core.Sources;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Sources;

/// <summary>
/// <c>/api/sources</c> (admin key): every source — the tracking API's write-key sources and the connector sources
/// (shopify, webhook, postgres) — and the connector verbs: get, replace, delete, test with a sample, pause, resume,
/// status. Secrets are never answered in clear. <c>POST /v1/sources/{id}</c> is where senders post (their signature
/// is their authentication). Handlers parse, call <see cref="SourceOperations"/> and map.
/// </summary>
public static class SourcesApi
{
    public static RouteGroupBuilder MapSourcesApi(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("sources").WithTags("Sources");
        sources.MapGet("", ListAsync).WithName("ListSources").WithSummary("Every source: write-key sources (kind tracking) and connector sources, secrets hidden");
        sources.MapPost("", CreateAsync).WithName("CreateSource")
            .WithSummary("Create a source: a write-key source (no kind, or kind tracking; its write key is generated unless given) or a shopify, webhook or postgres source");
        sources.MapGet("{id}", GetAsync).WithName("GetSource").WithSummary("One source by id or name, its secret hidden");
        sources.MapPut("{id}", UpdateAsync).WithName("UpdateSource").WithSummary("Replace a connector source's settings; a secret left out is kept");
        sources.MapDelete("{id}", DeleteAsync).WithName("DeleteSource").WithSummary("Delete a connector source (its events stay in the log)");
        sources.MapPost("{id}/test", TestAsync).WithName("TestSource")
            .WithSummary("The Segment messages a sample payload maps to (for a pull without a sample, the next rows); nothing is stored");
        sources.MapPost("{id}/pause", (string id, SourceOperations operations, SourceDirectory directory, CancellationToken ct) => PauseAsync(id, true, operations, directory, ct))
            .WithName("PauseSource").WithSummary("Pause a source: its webhooks are answered 503 (senders retry later), its pulls stop");
        sources.MapPost("{id}/resume", (string id, SourceOperations operations, SourceDirectory directory, CancellationToken ct) => PauseAsync(id, false, operations, directory, ct))
            .WithName("ResumeSource").WithSummary("Resume a paused source");
        sources.MapGet("{id}/privacy", GetPrivacyAsync).WithName("GetSourcePrivacy")
            .WithSummary("A source's privacy settings (any kind) and what they did on this node: events dropped or pseudonymized, fields dropped");
        sources.MapPut("{id}/privacy", SetPrivacyAsync).WithName("SetSourcePrivacy")
            .WithSummary("Set a source's privacy settings (any kind): withoutAnalyticsConsent keep|pseudonymous|drop, allow/deny lists of traits and properties");
        sources.MapGet("{id}/status", StatusAsync).WithName("GetSourceStatus")
            .WithSummary("State, events logged, dead letters pending, last error; for a pull its cursor, last run and next run; for a webhook what this node received");
        return api;
    }

    /// <summary>Where senders post: <c>POST /v1/sources/{id}</c>, authenticated by the source's signature.</summary>
    public static IEndpointRouteBuilder MapSourceReceiver(this IEndpointRouteBuilder app)
    {
        app.MapPost("v1/sources/{id}", (HttpContext http, string id, SourceEndpoint endpoint) => endpoint.HandleAsync(http, id))
            .WithTags("Sources").WithName("ReceiveSourceWebhook")
            .WithSummary("A webhook for a shopify or webhook source, verified by its HMAC signature (not the write key)");
        return app;
    }

    private static async Task<Ok<object[]>> ListAsync(IAccessStore access, SourceOperations operations, CancellationToken ct)
    {
        var tracking = (await access.ListSourcesAsync(ct)).Select(s => (object)TrackingSourceView.Of(s));
        return TypedResults.Ok(tracking.Concat((await operations.ListAsync(ct)).Cast<object>()).ToArray());
    }

    private static async Task<IResult> CreateAsync(SourceRequest request, AccessOperations access, SourceOperations operations, SourcePrivacyOperations privacy,
        SourcePuller puller, CancellationToken ct)
    {
        if (request.Privacy?.Validate() is { } privacyError) return ApiProblems.Invalid(privacyError.Field, privacyError.Rule);
        if (request.Kind is null or SourceKinds.Tracking)
        {
            var created = await access.CreateSourceAsync(request.Name, request.WriteKey, ct);
            if (created.Problem is { } problem) return ApiProblems.Invalid(problem.Field, problem.Rule);
            if (request.Privacy is { } trackingPrivacy) await privacy.SetAsync(created.Value!.Id, trackingPrivacy, ct);
            return TypedResults.Created($"/api/sources/{created.Value!.Id}", created.Value);
        }
        if (request.WriteKey is not null) return ApiProblems.Invalid("writeKey", "is only for a tracking source");
        var source = await operations.CreateAsync(request, ct);
        if (source.Problem is { } refused) return ApiProblems.For(refused);
        if (request.Privacy is { } settings) await privacy.SetAsync(source.Value!.Id, settings, ct);
        puller.Wake();
        return TypedResults.Created($"/api/sources/{source.Value!.Id}", source.Value);
    }

    private static async Task<IResult> GetAsync(string id, SourceOperations operations, AccessOperations access, CancellationToken ct)
    {
        var found = await operations.GetAsync(id, ct);
        if (found.Value is { } view) return TypedResults.Ok(view);
        return await access.FindSourceAsync(id, ct) is { } tracking ? TypedResults.Ok(TrackingSourceView.Of(tracking)) : TypedResults.NotFound();
    }

    private static async Task<IResult> UpdateAsync(string id, SourceRequest request, SourceOperations operations, SourceDirectory directory, SourcePuller puller, CancellationToken ct)
    {
        var updated = await operations.UpdateAsync(id, request, ct);
        directory.Forget(id);
        if (updated.Problem is { Kind: ProblemKind.NotFound }) return TypedResults.NotFound();
        if (updated.Problem is { } problem) return ApiProblems.For(problem);
        puller.Wake();
        return TypedResults.Ok(updated.Value);
    }

    private static async Task<IResult> DeleteAsync(string id, SourceOperations operations, SourceDirectory directory, CancellationToken ct)
    {
        var deleted = await operations.DeleteAsync(id, ct);
        if (deleted.Value is not { } view) return TypedResults.NotFound();
        directory.Forget(view.Id);
        return TypedResults.NoContent();
    }

    /// <param name="Sample">A payload as the sender would post it.</param>
    /// <param name="Topic">For a shopify source: the topic the sample is (e.g. <c>orders/create</c>).</param>
    public sealed record SourceTestRequest(JsonElement? Sample, string? Topic);

    private static async Task<IResult> TestAsync(string id, SourceTestRequest? request, SourceOperations operations, CancellationToken ct)
    {
        var preview = await operations.TestAsync(id, request?.Sample, request?.Topic, ct);
        if (preview.Problem is { Kind: ProblemKind.NotFound }) return TypedResults.NotFound();
        return preview.Problem is { } problem ? ApiProblems.For(problem) : TypedResults.Ok(preview.Value);
    }

    private static async Task<IResult> PauseAsync(string id, bool paused, SourceOperations operations, SourceDirectory directory, CancellationToken ct)
    {
        var changed = await operations.SetPausedAsync(id, paused, ct);
        if (changed.Value is not { } view) return TypedResults.NotFound();
        directory.Forget(view.Id);
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> StatusAsync(string id, SourceOperations operations, SourceCounters counters, SourcePolicies policies, CancellationToken ct)
    {
        var status = await operations.StatusAsync(id, ct);
        if (status.Value is not { } s) return TypedResults.NotFound();
        var (dropped, pseudonymized, fields) = policies.Read(s.Id);
        s = s with { EventsDropped = dropped, EventsPseudonymized = pseudonymized, FieldsDropped = fields };
        if (s.Kind == SourceKinds.Postgres) return TypedResults.Ok(s);
        var (received, rejected, throttled, last) = counters.Read(s.Id);
        return TypedResults.Ok(s with { Received = received, Rejected = rejected, Throttled = throttled, LastReceivedAt = last });
    }

    private static async Task<IResult> GetPrivacyAsync(string id, SourcePrivacyOperations privacy, CancellationToken ct)
    {
        var found = await privacy.GetAsync(id, ct);
        return found.Value is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
    }

    private static async Task<IResult> SetPrivacyAsync(string id, SourcePrivacy settings, SourcePrivacyOperations privacy, CancellationToken ct)
    {
        var saved = await privacy.SetAsync(id, settings, ct);
        if (saved.Problem is { Kind: ProblemKind.NotFound }) return TypedResults.NotFound();
        return saved.Problem is { } problem ? ApiProblems.For(problem) : TypedResults.Ok(saved.Value);
    }
}
