using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Storage;
using Tailor.Core.TrackingPlans;
using Tailor.Server.Ingestion;
using Tailor.Server.Profiles;
using Tailor.Application.TrackingPlans;
using Tailor.Server.Hosting;

namespace Tailor.Server.TrackingPlans;

/// <summary>
/// <c>/api/tracking-plan</c>: the JSON Schema (draft 2020-12) of each track event's properties, and each source's
/// mode (<c>allow</c>, <c>flag</c>, <c>block</c>). A schema is checked before it is saved; a change is in force for
/// the next request to this node.
/// </summary>
public static class TrackingPlanApi
{
    public static RouteGroupBuilder MapTrackingPlanApi(this RouteGroupBuilder api)
    {
        var plan = api.MapGroup("tracking-plan").WithTags("Tracking plan");
        plan.MapGet("", GetPlanAsync).WithName("GetTrackingPlan").WithSummary("Every event schema and every source's mode");
        plan.MapGet("events/{event}", GetSchemaAsync).WithName("GetEventSchema").WithSummary("The schema of one event's properties");
        plan.MapPut("events/{event}", PutSchemaAsync).WithName("PutEventSchema")
            .WithSummary("Create or replace an event's schema (the body is the JSON Schema, draft 2020-12)");
        plan.MapDelete("events/{event}", DeleteSchemaAsync).WithName("DeleteEventSchema").WithSummary("Remove an event's schema");
        plan.MapPut("sources/{source}", SetModeAsync).WithName("SetTrackingMode").WithSummary("Set a source's mode: allow, flag or block");
        return api;
    }

    public sealed record SchemaView(string Event, JsonElement Schema, DateTimeOffset UpdatedAt)
    {
        public static SchemaView From(EventSchema s)
        {
            using var document = JsonDocument.Parse(s.Schema);
            return new(s.EventName, document.RootElement.Clone(), s.UpdatedAt);
        }
    }

    public sealed record SourceMode(string Id, string Name, string Mode);

    public sealed record PlanView(SchemaView[] Schemas, SourceMode[] Sources, ValidationProblem[] Unusable);

    public sealed record ValidationProblem(string Field, string Rule);

    public sealed record ModeRequest(string? Mode);

    private static async Task<Ok<PlanView>> GetPlanAsync(ITrackingPlanStore store, TrackingPlanEditor editor, TrackingPlanCache cache, CancellationToken ct)
    {
        var schemas = await store.ListEventSchemasAsync(ct);
        var modes = await editor.ModesAsync(ct);
        var current = await cache.ReloadAsync(ct);
        return TypedResults.Ok(new PlanView([.. schemas.Select(SchemaView.From)], [.. modes.Select(m => new SourceMode(m.Source.Id, m.Source.Name, m.Mode.ToWire()))],
            [.. current.Unusable.Select(u => new ValidationProblem(u.Field, u.Rule))]));
    }

    private static async Task<Results<Ok<SchemaView>, NotFound>> GetSchemaAsync(string @event, ITrackingPlanStore store, CancellationToken ct) =>
        await store.GetEventSchemaAsync(@event, ct) is { } schema ? TypedResults.Ok(SchemaView.From(schema)) : TypedResults.NotFound();

    private static async Task<Results<Created<SchemaView>, Ok<SchemaView>, ProblemHttpResult>> PutSchemaAsync(
        string @event, HttpRequest request, TrackingPlanEditor editor, ITrackingPlanStore store, TrackingPlanCache cache, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, TrackingPlanLimits.MaxSchemaBytes, ct);
        if (body is null)
            return TypedResults.Problem(title: "The schema is too large", statusCode: StatusCodes.Status413PayloadTooLarge,
                extensions: new Dictionary<string, object?> { ["errors"] = new[] { new Core.Events.ValidationError("schema", $"must be at most {TrackingPlanLimits.MaxSchemaBytes / 1024} KB") } });
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.Value.Span);
        }
        catch (DecoderFallbackException)
        {
            return ApiProblems.Invalid("schema", Core.Events.TextRules.InvalidUtf8);
        }
        var (created, error) = await editor.PutSchemaAsync(@event, text, ct);
        if (error is not null) return ApiProblems.Invalid(error.Field, error.Rule);
        await cache.ReloadAsync(ct);
        var view = SchemaView.From((await store.GetEventSchemaAsync(@event, ct))!);
        return created ? TypedResults.Created($"/api/tracking-plan/events/{Uri.EscapeDataString(@event)}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteSchemaAsync(string @event, TrackingPlanEditor editor, TrackingPlanCache cache, CancellationToken ct)
    {
        if (!await editor.DeleteSchemaAsync(@event, ct)) return TypedResults.NotFound();
        await cache.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SourceMode>, NotFound, ProblemHttpResult>> SetModeAsync(
        string source, ModeRequest request, TrackingPlanEditor editor, TrackingPlanCache cache, CancellationToken ct)
    {
        if (!TrackingModes.TryParse(request.Mode, out var mode)) return ApiProblems.Invalid("mode", "must be one of allow, flag, block");
        var found = await editor.SetModeAsync(source, mode, ct);
        if (found is null) return TypedResults.NotFound();
        await cache.ReloadAsync(ct);
        return TypedResults.Ok(new SourceMode(found.Id, found.Name, mode.ToWire()));
    }
}
