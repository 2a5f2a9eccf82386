using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Application;
using Tailor.Application.Content;
using Tailor.Server.Hosting;

namespace Tailor.Server.Content;

/// <summary>
/// Content (admin key): Liquid templates (checked at save time: a template that does not parse is refused with its
/// line and column), blocks with variants chosen by rules, placements, the values segments give templates, and
/// previews for any profile.
/// </summary>
public static class ContentApi
{
    public static RouteGroupBuilder MapContentApi(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("templates").WithTags("Content");
        templates.MapPost("", CreateTemplateAsync).WithName("CreateTemplate").WithSummary("Save a Liquid template {name, body, subject?}; 400 with line and column if it does not parse");
        templates.MapGet("", ListTemplatesAsync).WithName("ListTemplates").WithSummary("Every template");
        templates.MapGet("{name}", GetTemplateAsync).WithName("GetTemplate").WithSummary("A template by name");
        templates.MapPut("{name}", UpdateTemplateAsync).WithName("UpdateTemplate").WithSummary("Replace a template's body (and subject)");
        templates.MapDelete("{name}", DeleteTemplateAsync).WithName("DeleteTemplate").WithSummary("Delete a template");
        templates.MapPost("{name}/preview", PreviewTemplateAsync).WithName("PreviewTemplate")
            .WithSummary("Render for a profile {profileId}; strict by default: every missing variable with its line");

        var blocks = api.MapGroup("blocks").WithTags("Content");
        blocks.MapPost("", CreateBlockAsync).WithName("CreateBlock").WithSummary("Save a block: ordered variants with rule conditions, or a decision tree, and a default");
        blocks.MapGet("", ListBlocksAsync).WithName("ListBlocks").WithSummary("Every block");
        blocks.MapGet("{name}", GetBlockAsync).WithName("GetBlock").WithSummary("A block by name");
        blocks.MapPut("{name}", UpdateBlockAsync).WithName("UpdateBlock").WithSummary("Replace a block");
        blocks.MapDelete("{name}", DeleteBlockAsync).WithName("DeleteBlock").WithSummary("Delete a block");
        blocks.MapPost("{name}/preview", PreviewBlockAsync).WithName("PreviewBlock").WithSummary("Render a block for a profile: output, variant and why");

        var placements = api.MapGroup("placements").WithTags("Content");
        placements.MapPost("", CreatePlacementAsync).WithName("CreatePlacement").WithSummary("Name a place on a page and the block (or template) it shows");
        placements.MapGet("", ListPlacementsAsync).WithName("ListPlacements").WithSummary("Every placement");
        placements.MapGet("{name}", GetPlacementAsync).WithName("GetPlacement").WithSummary("A placement by name");
        placements.MapPut("{name}", UpdatePlacementAsync).WithName("UpdatePlacement").WithSummary("Change what a placement shows");
        placements.MapDelete("{name}", DeletePlacementAsync).WithName("DeletePlacement").WithSummary("Delete a placement");

        api.MapGet("recommendations/popular", async (PopularItemsSource popular, CancellationToken ct) => TypedResults.Ok(await popular.ItemsAsync(ct)))
            .WithTags("Content").WithName("PopularItems").WithSummary("The popular items templates get as recommendations (and the non-personalised default shows)");
        api.MapGet("recommendations/profiles/{profileId}", async (string profileId, string? category, int? limit, IRecommendationStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.ForProfileAsync(profileId, Math.Clamp(limit ?? 12, 1, 100), string.IsNullOrEmpty(category) ? null : category, ct)))
            .WithTags("Content").WithName("ProfileRecommendations").WithSummary("A profile's precomputed recommendations from the served run (items already bought excluded), optionally of one category");
        api.MapGet("recommendations/related/{item}", async (string item, int? limit, IRecommendationStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.RelatedAsync(item, Math.Clamp(limit ?? 12, 1, 100), ct)))
            .WithTags("Content").WithName("RelatedItems").WithSummary("Items related to an item: frequently bought together (association rules), then its nearest neighbours");

        var values = api.MapGroup("segment-values").WithTags("Content");
        values.MapPut("{segment}", PutSegmentValuesAsync).WithName("PutSegmentValues")
            .WithSummary("Values a segment gives templates as user.segment.* {priority, values}");
        values.MapGet("", ListSegmentValuesAsync).WithName("ListSegmentValues").WithSummary("Every segment's content values");
        values.MapDelete("{segment}", DeleteSegmentValuesAsync).WithName("DeleteSegmentValues").WithSummary("Remove a segment's content values");
        return api;
    }

    // ---------------------------------------------------------------- templates

    public sealed record TemplateRequest(string? Name, string? Body, string? Subject);

    /// <param name="Disabled">Why a stored template cannot be loaded (it then never renders); absent for a live one.</param>
    public sealed record TemplateView(string Name, string Body, string? Subject, IReadOnlyList<string> Blocks, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        string? Disabled = null);

    private static TemplateView View(ContentCatalog.DisabledContent d) => new(d.Name, d.Body ?? "", null, [], d.CreatedAt, d.UpdatedAt, d.Reason);

    private static TemplateView View(StoredTemplate t) => new(t.Name, t.Body, t.Subject, t.Parsed.BlockNames, t.CreatedAt, t.UpdatedAt);

    private static async Task<Results<Created<TemplateView>, Conflict<ProblemDetailsView>, ProblemHttpResult>> CreateTemplateAsync(
        TemplateRequest request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        var saved = await content.SaveTemplateAsync(request.Name, request.Body, request.Subject, SaveMode.Create, ct);
        if (saved.Problem is { } problem) return problem.Kind == ProblemKind.Conflict ? Exists("template", request.Name!.Trim()) : ApiProblems.For(problem);
        var name = saved.Value!.Document.Name;
        var snapshot = await catalog.ReloadAsync(ct);
        return TypedResults.Created($"/api/templates/{Uri.EscapeDataString(name)}", View(snapshot.Templates[name]));
    }

    private static async Task<Results<Ok<TemplateView>, NotFound, ProblemHttpResult>> UpdateTemplateAsync(
        string name, TemplateRequest request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        var saved = await content.SaveTemplateAsync(name, request.Body, request.Subject, SaveMode.Replace, ct);
        if (saved.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        return TypedResults.Ok(View((await catalog.ReloadAsync(ct)).Templates[name]));
    }


    private static async Task<Ok<TemplateView[]>> ListTemplatesAsync(ContentCatalog catalog, CancellationToken ct) =>
        Ok(await catalog.CurrentAsync(ct));

    private static Ok<TemplateView[]> Ok(ContentCatalog.Snapshot content) =>
        TypedResults.Ok(content.Templates.Values.Select(View).Concat(content.DisabledOf(ContentKinds.Template).Select(View))
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToArray());

    private static async Task<Results<Ok<TemplateView>, NotFound>> GetTemplateAsync(string name, ContentCatalog catalog, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        return content.Templates.TryGetValue(name, out var t) ? TypedResults.Ok(View(t))
            : content.Disabled.TryGetValue((ContentKinds.Template, name), out var d) ? TypedResults.Ok(View(d))
            : TypedResults.NotFound();
    }

    private static Task<Results<NoContent, NotFound>> DeleteTemplateAsync(string name, ContentOperations content, ContentCatalog catalog, CancellationToken ct) =>
        DeleteAsync(ContentKinds.Template, name, content, catalog, ct);

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string kind, string name, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        if (!await content.DeleteAsync(kind, name, ct)) return TypedResults.NotFound();
        await catalog.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    /// <param name="Strict">Report every variable without a value (default true: previews are where you look for them).</param>
    public sealed record PreviewRequest(string? ProfileId, bool? Strict, string? Locale);

    public sealed record PreviewView(string Output, string? Subject, IReadOnlyList<MissingVariable> Missing, IReadOnlyList<BlockChoice> Blocks, string? ProfileId);

    private static async Task<Results<Ok<PreviewView>, NotFound<ProblemDetailsView>, ProblemHttpResult>> PreviewTemplateAsync(
        string name, PreviewRequest request, TemplatePreviews previews, CancellationToken ct)
    {
        var rendered = await previews.RenderAsync(name, request.ProfileId, request.Strict ?? true, request.Locale, ct);
        if (rendered.Value is { } r) return TypedResults.Ok(new PreviewView(r.Output, r.Subject, r.Missing, r.Blocks, r.ProfileId));
        var problem = rendered.Problem!;
        return problem.Kind == ProblemKind.NotFound ? NotFound(problem.Field, problem.Rule) : ApiProblems.Invalid(problem.Field, problem.Rule);
    }

    // ---------------------------------------------------------------- blocks

    private static async Task<Results<Created<BlockDocument>, Conflict<ProblemDetailsView>, ProblemHttpResult>> CreateBlockAsync(
        BlockDocument request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        var saved = await content.SaveBlockAsync(request, SaveMode.Create, ct);
        if (saved.Problem is { } problem) return problem.Kind == ProblemKind.Conflict ? Exists("block", request.Name!.Trim()) : ApiProblems.For(problem);
        await catalog.ReloadAsync(ct);
        var name = saved.Value!.Document.Name;
        return TypedResults.Created($"/api/blocks/{Uri.EscapeDataString(name)}", request with { Name = name });
    }

    private static async Task<Results<Ok<BlockDocument>, NotFound, ProblemHttpResult>> UpdateBlockAsync(
        string name, BlockDocument request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        var stored = request with { Name = name };
        var saved = await content.SaveBlockAsync(stored, SaveMode.Replace, ct);
        if (saved.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        await catalog.ReloadAsync(ct);
        return TypedResults.Ok(stored);
    }

    private static async Task<Ok<BlockDocument[]>> ListBlocksAsync(ContentBlocks blocks, CancellationToken ct) =>
        TypedResults.Ok((await blocks.ListAsync(ct)).ToArray());

    private static async Task<Results<Ok<BlockDocument>, NotFound>> GetBlockAsync(string name, ContentBlocks blocks, CancellationToken ct) =>
        await blocks.GetAsync(name, ct) is { } block ? TypedResults.Ok(block) : TypedResults.NotFound();

    private static Task<Results<NoContent, NotFound>> DeleteBlockAsync(string name, ContentOperations content, ContentCatalog catalog, CancellationToken ct) =>
        DeleteAsync(ContentKinds.Block, name, content, catalog, ct);

    public sealed record BlockPreviewView(string Output, string Variant, string Reason, string? Language, IReadOnlyList<MissingVariable> Missing);

    private static async Task<Results<Ok<BlockPreviewView>, NotFound<ProblemDetailsView>>> PreviewBlockAsync(
        string name, PreviewRequest request, ContentBlocks blocks, CancellationToken ct)
    {
        var rendered = await blocks.RenderAsync(name, request.ProfileId, request.Strict ?? true, request.Locale, ct);
        if (rendered.Value is { } r) return TypedResults.Ok(new BlockPreviewView(r.Output, r.Variant, r.Reason, r.Language, r.Missing));
        return NotFound(rendered.Problem!.Field, rendered.Problem.Rule);
    }

    // ---------------------------------------------------------------- placements

    public sealed record PlacementRequest(string? Name, string? Block, string? Template, string? Description);

    private static async Task<Results<Created<Placement>, Conflict<ProblemDetailsView>, ProblemHttpResult>> CreatePlacementAsync(
        PlacementRequest request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        var saved = await content.SavePlacementAsync(new Placement(request.Name!, request.Block, request.Template, request.Description), SaveMode.Create, ct);
        if (saved.Problem is { } problem) return problem.Kind == ProblemKind.Conflict ? Exists("placement", request.Name!.Trim()) : ApiProblems.For(problem);
        await catalog.ReloadAsync(ct);
        var placement = new Placement(saved.Value!.Document.Name, request.Block, request.Template, request.Description);
        return TypedResults.Created($"/api/placements/{Uri.EscapeDataString(placement.Name)}", placement);
    }

    private static async Task<Results<Ok<Placement>, NotFound, ProblemHttpResult>> UpdatePlacementAsync(
        string name, PlacementRequest request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        var placement = new Placement(name, request.Block, request.Template, request.Description);
        var saved = await content.SavePlacementAsync(placement, SaveMode.Replace, ct);
        if (saved.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        await catalog.ReloadAsync(ct);
        return TypedResults.Ok(placement);
    }

    private static async Task<Ok<Placement[]>> ListPlacementsAsync(ContentCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok((await catalog.CurrentAsync(ct)).Placements.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray());

    private static async Task<Results<Ok<Placement>, NotFound>> GetPlacementAsync(string name, ContentCatalog catalog, CancellationToken ct) =>
        (await catalog.CurrentAsync(ct)).Placements.TryGetValue(name, out var p) ? TypedResults.Ok(p) : TypedResults.NotFound();

    private static Task<Results<NoContent, NotFound>> DeletePlacementAsync(string name, ContentOperations content, ContentCatalog catalog, CancellationToken ct) =>
        DeleteAsync(ContentKinds.Placement, name, content, catalog, ct);

    // ---------------------------------------------------------------- segment values

    public sealed record SegmentValuesView(string Segment, int Priority, IReadOnlyDictionary<string, JsonElement> Values);

    private static async Task<Results<Ok<SegmentValuesView>, ProblemHttpResult>> PutSegmentValuesAsync(
        string segment, SegmentValuesDocument request, ContentOperations content, ContentCatalog catalog, CancellationToken ct)
    {
        if ((await content.SaveSegmentValuesAsync(segment, request, ct)).Problem is { } problem) return ApiProblems.For(problem);
        await catalog.ReloadAsync(ct);
        return TypedResults.Ok(new SegmentValuesView(segment, request.Priority ?? 0, request.Values!));
    }

    private static async Task<Ok<SegmentValuesView[]>> ListSegmentValuesAsync(ContentCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok((await catalog.CurrentAsync(ct)).SegmentValues.Select(v => new SegmentValuesView(v.Segment, v.Priority, v.Values)).ToArray());

    private static Task<Results<NoContent, NotFound>> DeleteSegmentValuesAsync(string segment, ContentOperations content, ContentCatalog catalog, CancellationToken ct) =>
        DeleteAsync(ContentKinds.SegmentValues, segment, content, catalog, ct);

    // ---------------------------------------------------------------- helpers

    /// <summary>A problem body for 404 and 409 answers that says what was not found or already exists.</summary>
    public sealed record ProblemDetailsView(string Title, int Status, string Field, string Rule);

    internal static NotFound<ProblemDetailsView> NotFound(string what, string name) =>
        TypedResults.NotFound(new ProblemDetailsView($"No {what} named \"{name}\"", 404, what == "profile" ? "profileId" : "name", $"must name an existing {what}"));

    private static Conflict<ProblemDetailsView> Exists(string what, string name) =>
        TypedResults.Conflict(new ProblemDetailsView($"A {what} named \"{name}\" already exists", 409, "name", $"must be unique; PUT /api/{what}s/{{name}} replaces one"));
}
