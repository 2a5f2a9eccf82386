using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Profiles;
using Tailor.Application.Segments;
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
        TemplateRequest request, ITailorStore store, ContentCatalog catalog, LiquidEngine engine, TimeProvider time, CancellationToken ct)
    {
        if (ContentNames.Check("name", request.Name) is { } nameError) return ApiProblems.Invalid(nameError.Field, nameError.Rule);
        if (CheckTemplate(request, engine) is { } problem) return problem;
        var now = time.GetUtcNow();
        var name = request.Name!.Trim();
        var document = new ContentDocument(ContentKinds.Template, name, JsonSerializer.Serialize(new TemplateDocument(request.Body, request.Subject), BlockDocument.Json), now, now);
        if (!await store.SaveContentAsync(document, createOnly: true, ct)) return Exists("template", name);
        var snapshot = await catalog.ReloadAsync(ct);
        return TypedResults.Created($"/api/templates/{Uri.EscapeDataString(name)}", View(snapshot.Templates[name]));
    }

    private static async Task<Results<Ok<TemplateView>, NotFound, ProblemHttpResult>> UpdateTemplateAsync(
        string name, TemplateRequest request, ITailorStore store, ContentCatalog catalog, LiquidEngine engine, TimeProvider time, CancellationToken ct)
    {
        var existing = await store.GetContentAsync(ContentKinds.Template, name, ct);
        if (existing is null) return TypedResults.NotFound();
        if (CheckTemplate(request, engine) is { } problem) return problem;
        var document = existing with { Json = JsonSerializer.Serialize(new TemplateDocument(request.Body, request.Subject), BlockDocument.Json), UpdatedAt = time.GetUtcNow() };
        await store.SaveContentAsync(document, createOnly: false, ct);
        return TypedResults.Ok(View((await catalog.ReloadAsync(ct)).Templates[name]));
    }

    /// <summary>The body is required and must parse; so must the subject, when given. A failure answers 400 with line and column.</summary>
    private static ProblemHttpResult? CheckTemplate(TemplateRequest request, LiquidEngine engine)
    {
        if (request.Body is null) return ApiProblems.Invalid("body", "is required: the template's Liquid");
        if (!engine.TryParseTemplate(request.Body, out _, out var error)) return SyntaxProblem("body", error);
        if (request.Subject is not null && !engine.TryParseTemplate(request.Subject, out _, out var subjectError)) return SyntaxProblem("subject", subjectError);
        return null;
    }

    internal static ProblemHttpResult SyntaxProblem(string field, TemplateSyntaxError error) =>
        TypedResults.Problem(title: $"'{field}' is not valid Liquid: {error}", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new[] { new ValidationError(field, $"must be valid Liquid: {error}") },
                ["field"] = field,
                ["line"] = error.Line,
                ["column"] = error.Column,
                ["message"] = error.Message,
            });

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

    private static async Task<Results<NoContent, NotFound>> DeleteTemplateAsync(string name, ITailorStore store, ContentCatalog catalog, CancellationToken ct)
    {
        if (!await store.DeleteContentAsync(ContentKinds.Template, name, ct)) return TypedResults.NotFound();
        await catalog.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    /// <param name="Strict">Report every variable without a value (default true: previews are where you look for them).</param>
    public sealed record PreviewRequest(string? ProfileId, bool? Strict, string? Locale);

    public sealed record PreviewView(string Output, string? Subject, IReadOnlyList<MissingVariable> Missing, IReadOnlyList<BlockChoice> Blocks, string? ProfileId);

    private static async Task<Results<Ok<PreviewView>, NotFound<ProblemDetailsView>, ProblemHttpResult>> PreviewTemplateAsync(
        string name, PreviewRequest request, ContentCatalog catalog, ContentRenderer renderer, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        if (!content.Templates.TryGetValue(name, out var template)) return NotFound("template", name);
        var facts = request.ProfileId is { Length: > 0 } id ? await renderer.PreviewFactsAsync(id, content, ct) : null;
        if (request.ProfileId is { Length: > 0 } && facts is null) return NotFound("profile", request.ProfileId);
        try
        {
            var settings = new RenderSettings(Strict: request.Strict ?? true, Blocks: content.Blocks, Locale: request.Locale);
            var scope = await renderer.ScopeAsync(facts, content, RequestContext.None, null, ct, fresh: true);
            var body = await renderer.Engine.RenderAsync(template.Parsed, scope, settings, ct);
            var subject = template.Subject is null ? null : (await renderer.Engine.RenderAsync(template.ParsedSubject, scope, settings with { Strict = false }, ct)).Output;
            return TypedResults.Ok(new PreviewView(body.Output, subject, body.Missing, body.Blocks, facts?.Profile.Id));
        }
        catch (TemplateRenderException e)
        {
            return ApiProblems.Invalid("body", e.Message);
        }
    }

    // ---------------------------------------------------------------- blocks

    private static async Task<Results<Created<BlockDocument>, Conflict<ProblemDetailsView>, ProblemHttpResult>> CreateBlockAsync(
        BlockDocument request, ITailorStore store, ContentCatalog catalog, LiquidEngine engine, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (CheckBlock(request, engine, now) is { } problem) return problem;
        var name = request.Name!.Trim();
        var stored = request with { Name = name };
        if (!await store.SaveContentAsync(new ContentDocument(ContentKinds.Block, name, JsonSerializer.Serialize(stored, BlockDocument.Json), now, now), true, ct))
            return Exists("block", name);
        await catalog.ReloadAsync(ct);
        return TypedResults.Created($"/api/blocks/{Uri.EscapeDataString(name)}", stored);
    }

    private static async Task<Results<Ok<BlockDocument>, NotFound, ProblemHttpResult>> UpdateBlockAsync(
        string name, BlockDocument request, ITailorStore store, ContentCatalog catalog, LiquidEngine engine, TimeProvider time, CancellationToken ct)
    {
        var existing = await store.GetContentAsync(ContentKinds.Block, name, ct);
        if (existing is null) return TypedResults.NotFound();
        var stored = request with { Name = name };
        if (CheckBlock(stored, engine, time.GetUtcNow()) is { } problem) return problem;
        await store.SaveContentAsync(existing with { Json = JsonSerializer.Serialize(stored, BlockDocument.Json), UpdatedAt = time.GetUtcNow() }, false, ct);
        await catalog.ReloadAsync(ct);
        return TypedResults.Ok(stored);
    }

    private static ProblemHttpResult? CheckBlock(BlockDocument request, LiquidEngine engine, DateTimeOffset now)
    {
        if (request.TryConvert(now, now, out var block, engine.Limits) is { } error) return ApiProblems.Invalid(error.Field, error.Rule);
        try
        {
            engine.CompileBlock(block);
            return null;
        }
        catch (BlockContentException e)
        {
            return SyntaxProblem(e.Field, e.Error);
        }
    }

    private static async Task<Ok<BlockDocument[]>> ListBlocksAsync(ITailorStore store, ContentCatalog catalog, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        return TypedResults.Ok((await store.ListContentAsync(ContentKinds.Block, ct)).Select(d => BlockView(d, content)).ToArray());
    }

    private static async Task<Results<Ok<BlockDocument>, NotFound>> GetBlockAsync(string name, ITailorStore store, ContentCatalog catalog, CancellationToken ct) =>
        await store.GetContentAsync(ContentKinds.Block, name, ct) is { } d ? TypedResults.Ok(BlockView(d, await catalog.CurrentAsync(ct))) : TypedResults.NotFound();

    /// <summary>A stored block as saved; one that cannot be loaded says why (and, if its JSON is unreadable, only that).</summary>
    private static BlockDocument BlockView(ContentDocument d, ContentCatalog.Snapshot content)
    {
        var reason = content.Disabled.TryGetValue((ContentKinds.Block, d.Name), out var disabled) ? disabled.Reason : null;
        try
        {
            return JsonSerializer.Deserialize<BlockDocument>(d.Json, BlockDocument.Json)! with { Name = d.Name, Disabled = reason };
        }
        catch (JsonException)
        {
            return new BlockDocument(d.Name, null, null, null, reason ?? "its stored JSON cannot be read");
        }
    }

    private static async Task<Results<NoContent, NotFound>> DeleteBlockAsync(string name, ITailorStore store, ContentCatalog catalog, CancellationToken ct)
    {
        if (!await store.DeleteContentAsync(ContentKinds.Block, name, ct)) return TypedResults.NotFound();
        await catalog.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    public sealed record BlockPreviewView(string Output, string Variant, string Reason, string? Language, IReadOnlyList<MissingVariable> Missing);

    private static async Task<Results<Ok<BlockPreviewView>, NotFound<ProblemDetailsView>>> PreviewBlockAsync(
        string name, PreviewRequest request, ContentCatalog catalog, ContentRenderer renderer, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        if (content.Blocks.Find(name) is not { } block) return NotFound("block", name);
        var facts = request.ProfileId is { Length: > 0 } id ? await renderer.PreviewFactsAsync(id, content, ct) : null;
        if (request.ProfileId is { Length: > 0 } && facts is null) return NotFound("profile", request.ProfileId);
        var scope = await renderer.ScopeAsync(facts, content, new RequestContext(request.Locale), null, ct, fresh: true);
        var r = await renderer.Engine.RenderBlockAsync(block, scope, new RenderSettings(Strict: request.Strict ?? true, Blocks: content.Blocks), ct);
        return TypedResults.Ok(new BlockPreviewView(r.Output, r.Choice.Variant, r.Choice.Reason, r.Choice.Language, r.Missing));
    }

    // ---------------------------------------------------------------- placements

    public sealed record PlacementRequest(string? Name, string? Block, string? Template, string? Description);

    private static async Task<Results<Created<Placement>, Conflict<ProblemDetailsView>, ProblemHttpResult>> CreatePlacementAsync(
        PlacementRequest request, ITailorStore store, ContentCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        if (ContentNames.Check("name", request.Name) is { } nameError) return ApiProblems.Invalid(nameError.Field, nameError.Rule);
        if (await CheckPlacementAsync(request, catalog, ct) is { } problem) return problem;
        var placement = new Placement(request.Name!.Trim(), request.Block, request.Template, request.Description);
        var now = time.GetUtcNow();
        if (!await store.SaveContentAsync(new ContentDocument(ContentKinds.Placement, placement.Name, JsonSerializer.Serialize(placement, BlockDocument.Json), now, now), true, ct))
            return Exists("placement", placement.Name);
        await catalog.ReloadAsync(ct);
        return TypedResults.Created($"/api/placements/{Uri.EscapeDataString(placement.Name)}", placement);
    }

    private static async Task<Results<Ok<Placement>, NotFound, ProblemHttpResult>> UpdatePlacementAsync(
        string name, PlacementRequest request, ITailorStore store, ContentCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var existing = await store.GetContentAsync(ContentKinds.Placement, name, ct);
        if (existing is null) return TypedResults.NotFound();
        if (await CheckPlacementAsync(request, catalog, ct) is { } problem) return problem;
        var placement = new Placement(name, request.Block, request.Template, request.Description);
        await store.SaveContentAsync(existing with { Json = JsonSerializer.Serialize(placement, BlockDocument.Json), UpdatedAt = time.GetUtcNow() }, false, ct);
        await catalog.ReloadAsync(ct);
        return TypedResults.Ok(placement);
    }

    private static async Task<ProblemHttpResult?> CheckPlacementAsync(PlacementRequest request, ContentCatalog catalog, CancellationToken ct)
    {
        if ((request.Block is null) == (request.Template is null)) return ApiProblems.Invalid("block", "exactly one of 'block' or 'template' must be given");
        var content = await catalog.CurrentAsync(ct);
        if (request.Block is { } block && content.Blocks.Find(block) is null) return ApiProblems.Invalid("block", $"must name an existing block; \"{block}\" does not exist");
        if (request.Template is { } template && !content.Templates.ContainsKey(template))
            return ApiProblems.Invalid("template", $"must name an existing template; \"{template}\" does not exist");
        return null;
    }

    private static async Task<Ok<Placement[]>> ListPlacementsAsync(ContentCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok((await catalog.CurrentAsync(ct)).Placements.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray());

    private static async Task<Results<Ok<Placement>, NotFound>> GetPlacementAsync(string name, ContentCatalog catalog, CancellationToken ct) =>
        (await catalog.CurrentAsync(ct)).Placements.TryGetValue(name, out var p) ? TypedResults.Ok(p) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeletePlacementAsync(string name, ITailorStore store, ContentCatalog catalog, CancellationToken ct)
    {
        if (!await store.DeleteContentAsync(ContentKinds.Placement, name, ct)) return TypedResults.NotFound();
        await catalog.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    // ---------------------------------------------------------------- segment values

    public sealed record SegmentValuesView(string Segment, int Priority, IReadOnlyDictionary<string, JsonElement> Values);

    private static async Task<Results<Ok<SegmentValuesView>, ProblemHttpResult>> PutSegmentValuesAsync(
        string segment, SegmentValuesDocument request, ITailorStore store, ContentCatalog catalog, Tailor.Application.Segments.SegmentEngine segments, TimeProvider time, CancellationToken ct)
    {
        if (segments.Catalog.ByName(segment) is null) return ApiProblems.Invalid("segment", $"must name an existing segment; \"{segment}\" does not exist");
        if (request.Values is not { Count: > 0 }) return ApiProblems.Invalid("values", "must be an object with at least one value");
        var now = time.GetUtcNow();
        var existing = await store.GetContentAsync(ContentKinds.SegmentValues, segment, ct);
        await store.SaveContentAsync(new ContentDocument(ContentKinds.SegmentValues, segment, JsonSerializer.Serialize(request, BlockDocument.Json), existing?.CreatedAt ?? now, now), false, ct);
        await catalog.ReloadAsync(ct);
        return TypedResults.Ok(new SegmentValuesView(segment, request.Priority ?? 0, request.Values));
    }

    private static async Task<Ok<SegmentValuesView[]>> ListSegmentValuesAsync(ContentCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok((await catalog.CurrentAsync(ct)).SegmentValues.Select(v => new SegmentValuesView(v.Segment, v.Priority, v.Values)).ToArray());

    private static async Task<Results<NoContent, NotFound>> DeleteSegmentValuesAsync(string segment, ITailorStore store, ContentCatalog catalog, CancellationToken ct)
    {
        if (!await store.DeleteContentAsync(ContentKinds.SegmentValues, segment, ct)) return TypedResults.NotFound();
        await catalog.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>A problem body for 404 and 409 answers that says what was not found or already exists.</summary>
    public sealed record ProblemDetailsView(string Title, int Status, string Field, string Rule);

    internal static NotFound<ProblemDetailsView> NotFound(string what, string name) =>
        TypedResults.NotFound(new ProblemDetailsView($"No {what} named \"{name}\"", 404, what == "profile" ? "profileId" : "name", $"must name an existing {what}"));

    private static Conflict<ProblemDetailsView> Exists(string what, string name) =>
        TypedResults.Conflict(new ProblemDetailsView($"A {what} named \"{name}\" already exists", 409, "name", $"must be unique; PUT /api/{what}s/{{name}} replaces one"));
}
