using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Events;
using Tailor.Core.Limits;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Server.Profiles;
using Tailor.Application.Segments;
using Tailor.Server.Hosting;

namespace Tailor.Server.Segments;

/// <summary>
/// Segments (admin key): create, edit and delete with the rule in text or JSON form, members, preview, explain,
/// recompute, history, size over time, overlap, and a live Server-Sent Events stream of membership changes.
/// </summary>
public static class SegmentsApi
{
    public static RouteGroupBuilder MapSegmentsApi(this RouteGroupBuilder api)
    {
        var segments = api.MapGroup("segments").WithTags("Segments");
        segments.MapPost("", CreateAsync).WithName("CreateSegment").WithSummary("Create a segment from a rule (text in 'rule' or JSON in 'ruleJson')");
        segments.MapGet("", ListAsync).WithName("ListSegments").WithSummary("Every segment with its current size");
        segments.MapPost("preview", PreviewAsync).WithName("PreviewSegment").WithSummary("Estimate a rule's size and show sample members, without saving");
        segments.MapGet("overlap", OverlapAsync).WithName("SegmentOverlap").WithSummary("Jaccard overlap between segments; near-duplicates are flagged");
        segments.MapGet("stream", (string? segment, MembershipFeed feed, SegmentEngine engine, CancellationToken ct) => Stream(segment, feed, engine, ct))
            .WithName("StreamMemberships").WithSummary("Server-Sent Events: every entry and exit as it happens (all segments, or ?segment=name)");
        segments.MapGet("{id}", GetAsync).WithName("GetSegment").WithSummary("A segment (by id or name) with its size and recompute progress");
        segments.MapPut("{id}", UpdateAsync).WithName("UpdateSegment").WithSummary("Change a segment's name, rule, parent or minimum size; members are recomputed");
        segments.MapDelete("{id}", DeleteAsync).WithName("DeleteSegment").WithSummary("Delete a segment with its members and history");
        segments.MapGet("{id}/members", MembersAsync).WithName("ListSegmentMembers").WithSummary("Members, paged by profile id");
        segments.MapGet("{id}/explain", ExplainAsync).WithName("ExplainSegment").WithSummary("Why a profile is in the segment or not, condition by condition");
        segments.MapPost("{id}/recompute", RecomputeAsync).WithName("RecomputeSegment").WithSummary("Re-evaluate the segment over every profile");
        segments.MapGet("{id}/history", HistoryAsync).WithName("SegmentHistory").WithSummary("Entries and exits, oldest first");
        segments.MapGet("{id}/sizes", SizesAsync).WithName("SegmentSizes").WithSummary("The segment's size after each change");
        api.MapGet("profiles/{id}/segments", ProfileSegmentsAsync).WithTags("Segments").WithName("ProfileSegments")
            .WithSummary("A profile's current segments and its entry/exit history");
        return api;
    }

    public sealed record SegmentRequest(string? Name, string? Rule, JsonElement? RuleJson, string? Parent, int? MinSize);

    /// <param name="Disabled">Why a stored segment cannot be loaded (it is then never evaluated); absent for a live one.</param>
    public sealed record SegmentView(string Id, string Name, string Rule, JsonNode? RuleJson, string? Parent, int MinSize, long Size, bool TooSmall,
        string? PersonalizeAs, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, RecomputeStatus? Recompute, string? Disabled = null);

    private static async Task<Results<Created<SegmentView>, ProblemHttpResult>> CreateAsync(
        SegmentRequest request, ITailorStore store, SegmentEngine engine, RecomputeTracker tracker, TimeProvider time, DefinitionLimits limits, CancellationToken ct)
    {
        if (ParseRule(request, required: true, limits, out var rule) is { } problem) return problem;
        var now = time.GetUtcNow();
        var parent = request.Parent is null ? null : Find(engine.Catalog, request.Parent);
        if (request.Parent is not null && parent is null) return ApiProblems.Invalid("parent", "must be the name or id of an existing segment");
        var segment = new SegmentDefinition($"seg_{Guid.CreateVersion7():N}", request.Name?.Trim() ?? "", rule!, parent?.Id,
            request.MinSize ?? SegmentDefinition.DefaultMinSize, now, now);
        if (SegmentValidator.Validate(segment, engine.Catalog) is { } error) return ApiProblems.Invalid(error.Field, error.Rule);
        await store.SaveSegmentAsync(segment, ct);
        await engine.ReloadAsync(ct);
        _ = tracker.Start(segment.Id);
        return TypedResults.Created($"/api/segments/{segment.Id}", await ViewAsync(engine.Catalog.ById(segment.Id)!, store, engine, tracker, ct));
    }

    private static async Task<Results<Ok<SegmentView>, NotFound, ProblemHttpResult>> UpdateAsync(
        string id, SegmentRequest request, ITailorStore store, SegmentEngine engine, RecomputeTracker tracker, TimeProvider time, DefinitionLimits limits, CancellationToken ct)
    {
        if (Find(engine.Catalog, id) is not { } existing)
            return engine.Catalog.DisabledSegment(id) is { } disabled
                ? ApiProblems.Invalid("id", $"the segment is disabled ({disabled.Disabled}); delete it and create it again")
                : TypedResults.NotFound();
        if (ParseRule(request, required: false, limits, out var rule) is { } problem) return problem;
        var parent = request.Parent is null ? null : Find(engine.Catalog, request.Parent);
        if (request.Parent is not null && parent is null) return ApiProblems.Invalid("parent", "must be the name or id of an existing segment");
        var d = existing.Definition;
        var segment = d with
        {
            Name = request.Name?.Trim() ?? d.Name,
            Rule = rule ?? d.Rule,
            ParentId = request.Parent is null ? d.ParentId : parent!.Id,
            MinSize = request.MinSize ?? d.MinSize,
            UpdatedAt = time.GetUtcNow(),
        };
        if (SegmentValidator.Validate(segment, engine.Catalog) is { } error) return ApiProblems.Invalid(error.Field, error.Rule);
        await store.SaveSegmentAsync(segment, ct);
        await engine.ReloadAsync(ct);
        _ = tracker.Start(segment.Id);
        return TypedResults.Ok(await ViewAsync(engine.Catalog.ById(segment.Id)!, store, engine, tracker, ct));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(string id, ITailorStore store, SegmentEngine engine, CancellationToken ct)
    {
        if (engine.Catalog.DisabledSegment(id) is { } disabled)
        {
            await store.DeleteSegmentAsync(disabled.Id, ct);
            await engine.ReloadAsync(ct);
            return TypedResults.NoContent();
        }
        if (Find(engine.Catalog, id) is not { } segment) return TypedResults.NotFound();
        var dependents = engine.Catalog.WithDependents([segment.Id]).Where(c => c.Id != segment.Id).Select(c => c.Name).ToList();
        if (dependents.Count > 0) return ApiProblems.Invalid("id", $"segments refer to this one and must change first: {string.Join(", ", dependents)}");
        await store.DeleteSegmentAsync(segment.Id, ct);
        await engine.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<SegmentView[]>> ListAsync(ITailorStore store, SegmentEngine engine, RecomputeTracker tracker, CancellationToken ct)
    {
        var sizes = await store.SegmentSizesAsync(ct);
        var catalog = engine.Catalog;
        return TypedResults.Ok(catalog.InOrder.Select(c => View(c, sizes, catalog, tracker)).Concat(catalog.Disabled.Select(d => DisabledView(d, sizes)))
            .OrderBy(v => v.Name, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Ok<SegmentView>, NotFound>> GetAsync(string id, ITailorStore store, SegmentEngine engine, RecomputeTracker tracker, CancellationToken ct) =>
        Find(engine.Catalog, id) is { } segment ? TypedResults.Ok(await ViewAsync(segment, store, engine, tracker, ct))
        : engine.Catalog.DisabledSegment(id) is { } disabled ? TypedResults.Ok(DisabledView(disabled, await store.SegmentSizesAsync(ct)))
        : TypedResults.NotFound();

    /// <summary>A stored segment that cannot load: its rule as stored and why, so it can be fixed or deleted.</summary>
    private static SegmentView DisabledView(SegmentDefinition d, IReadOnlyDictionary<string, long> sizes) =>
        new(d.Id, d.Name, d.StoredRule ?? RulePrinter.Print(d.Rule), d.StoredRule is null ? RuleJson.ToJson(d.Rule) : null, null, d.MinSize,
            sizes.GetValueOrDefault(d.Id), false, null, d.CreatedAt, d.UpdatedAt, null, d.Disabled);

    public sealed record MembersPage(IReadOnlyList<SegmentMember> Members, string? Next);

    private static async Task<Results<Ok<MembersPage>, NotFound, ProblemHttpResult>> MembersAsync(
        string id, string? after, int? limit, ITailorStore store, SegmentEngine engine, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        if (Find(engine.Catalog, id) is not { } segment) return TypedResults.NotFound();
        var page = await store.MembersAsync(segment.Id, after, limit ?? 100, ct);
        return TypedResults.Ok(new MembersPage(page, page.Count == (limit ?? 100) ? page[^1].ProfileId : null));
    }

    public sealed record PreviewRequest(string? Rule, JsonElement? RuleJson, int? SampleSize);

    private static async Task<Results<Ok<SegmentPreview>, ProblemHttpResult>> PreviewAsync(PreviewRequest request, SegmentEngine engine, DefinitionLimits limits, CancellationToken ct)
    {
        if (ParseRule(new SegmentRequest(null, request.Rule, request.RuleJson, null, null), required: true, limits, out var rule) is { } problem) return problem;
        if (request.SampleSize is < 10 or > 100_000) return ApiProblems.Invalid("sampleSize", "must be between 10 and 100000");
        try
        {
            return TypedResults.Ok(await engine.PreviewAsync(rule!, request.SampleSize ?? 2000, ct));
        }
        catch (SegmentCatalogException ex)
        {
            return ApiProblems.Invalid("rule", ex.Rule);
        }
    }

    private static async Task<Results<Ok<Explanation>, NotFound, ProblemHttpResult>> ExplainAsync(string id, string? profileId, SegmentEngine engine, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(profileId)) return ApiProblems.Invalid("profileId", "is required");
        if (Find(engine.Catalog, id) is not { } segment) return TypedResults.NotFound();
        var explanation = await engine.ExplainAsync(segment.Id, profileId, ct);
        return explanation is null ? TypedResults.NotFound() : TypedResults.Ok(explanation);
    }

    private static async Task<Results<Ok<RecomputeStatus>, NotFound>> RecomputeAsync(string id, bool? wait, SegmentEngine engine, RecomputeTracker tracker)
    {
        if (Find(engine.Catalog, id) is not { } segment) return TypedResults.NotFound();
        var task = tracker.Start(segment.Id);
        return TypedResults.Ok(wait == false ? tracker.Status(segment.Id)! : await task);
    }

    private static async Task<Results<Ok<MembershipChange[]>, NotFound>> HistoryAsync(string id, int? limit, ITailorStore store, SegmentEngine engine, CancellationToken ct) =>
        Find(engine.Catalog, id) is { } segment
            ? TypedResults.Ok((await store.MembershipHistoryAsync(null, segment.Id, Math.Clamp(limit ?? 1000, 1, 100_000), ct)).ToArray())
            : TypedResults.NotFound();

    private static async Task<Results<Ok<SegmentSizePoint[]>, NotFound>> SizesAsync(string id, int? limit, ITailorStore store, SegmentEngine engine, CancellationToken ct) =>
        Find(engine.Catalog, id) is { } segment
            ? TypedResults.Ok((await store.SizeHistoryAsync(segment.Id, Math.Clamp(limit ?? 1000, 1, 100_000), ct)).ToArray())
            : TypedResults.NotFound();

    public sealed record Overlap(string First, string Second, long Common, double Jaccard, bool NearDuplicate);

    /// <summary>Segments whose members overlap this much (Jaccard) are flagged as candidates to merge.</summary>
    public const double NearDuplicateJaccard = 0.9;

    private static async Task<Ok<Overlap[]>> OverlapAsync(ITailorStore store, SegmentEngine engine, CancellationToken ct)
    {
        var sizes = await store.SegmentSizesAsync(ct);
        var name = (string id) => engine.Catalog.ById(id)?.Name ?? id;
        var overlaps = (await store.IntersectionsAsync(ct)).Select(i =>
        {
            var union = sizes.GetValueOrDefault(i.First) + sizes.GetValueOrDefault(i.Second) - i.Common;
            var jaccard = union == 0 ? 0 : Math.Round((double)i.Common / union, 4);
            return new Overlap(name(i.First), name(i.Second), i.Common, jaccard, jaccard >= NearDuplicateJaccard);
        }).OrderByDescending(o => o.Jaccard).ToArray();
        return TypedResults.Ok(overlaps);
    }

    public sealed record ProfileSegments(IReadOnlyList<string> Segments, IReadOnlyList<MembershipChange> History);

    private static async Task<Results<Ok<ProfileSegments>, NotFound>> ProfileSegmentsAsync(string id, ITailorStore store, SegmentEngine engine, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return TypedResults.Ok(new ProfileSegments(await SegmentNamesAsync(profile.Id, store, engine, ct),
            await store.MembershipHistoryAsync(profile.Id, null, 1000, ct)));
    }

    /// <summary>The names of a profile's current segments, sorted.</summary>
    public static async Task<IReadOnlyList<string>> SegmentNamesAsync(string profileId, ISegmentStore store, SegmentEngine engine, CancellationToken ct)
    {
        var ids = await store.MembershipsAsync(profileId, ct);
        return [.. ids.Select(i => engine.Catalog.ById(i)?.Name).OfType<string>().Order(StringComparer.Ordinal)];
    }

    private static ServerSentEventsResult<MembershipNotice> Stream(string? segment, MembershipFeed feed, SegmentEngine engine, CancellationToken ct)
    {
        var id = segment is null ? null : Find(engine.Catalog, segment)?.Id ?? segment;
        return TypedResults.ServerSentEvents(Notices(feed.SubscribeAsync(id, ct), ct));

        static async IAsyncEnumerable<SseItem<MembershipNotice>> Notices(IAsyncEnumerable<MembershipNotice> notices, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            // A first event sends the headers at once, so a subscriber knows it is connected before anything changes.
            yield return new SseItem<MembershipNotice>(new MembershipNotice("subscribed", "", "", "", DateTimeOffset.UtcNow), "subscribed");
            await foreach (var notice in notices.WithCancellation(ct)) yield return new SseItem<MembershipNotice>(notice, notice.Type);
        }
    }

    private static SegmentCatalog.Compiled? Find(SegmentCatalog catalog, string idOrName) => catalog.ById(idOrName) ?? catalog.ByName(idOrName);

    /// <summary>Reads the rule from text or JSON; a problem names the line and column (text) or the JSON path.</summary>
    private static ProblemHttpResult? ParseRule(SegmentRequest request, bool required, DefinitionLimits limits, out Rule? rule)
    {
        rule = null;
        var hasJson = request.RuleJson is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) };
        if (request.Rule is not null && hasJson) return ApiProblems.Invalid("rule", "give either 'rule' (text) or 'ruleJson', not both");
        try
        {
            if (request.Rule is not null) rule = RuleParser.Parse(request.Rule, limits);
            else if (hasJson) rule = RuleJson.FromJson(request.RuleJson!.Value, "$", limits);
            else if (required) return ApiProblems.Invalid("rule", "is required: the rule as text in 'rule' or as JSON in 'ruleJson'");
            return null;
        }
        catch (RuleSyntaxException ex)
        {
            return TypedResults.Problem(title: "The rule does not parse", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?>
                {
                    ["line"] = ex.Line, ["column"] = ex.Column, ["expected"] = ex.Expected, ["found"] = ex.Found,
                    ["errors"] = new[] { new ValidationError("rule", ex.Message) },
                });
        }
        catch (RuleJsonException ex)
        {
            return TypedResults.Problem(title: "The JSON rule is invalid", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["path"] = ex.Path, ["errors"] = new[] { new ValidationError("ruleJson" + ex.Path[1..], ex.Rule) } });
        }
    }

    private static async Task<SegmentView> ViewAsync(SegmentCatalog.Compiled segment, ISegmentStore store, SegmentEngine engine, RecomputeTracker tracker, CancellationToken ct) =>
        View(segment, await store.SegmentSizesAsync(ct), engine.Catalog, tracker);

    private static SegmentView View(SegmentCatalog.Compiled c, IReadOnlyDictionary<string, long> sizes, SegmentCatalog catalog, RecomputeTracker tracker)
    {
        var d = c.Definition;
        var size = sizes.GetValueOrDefault(d.Id);
        var effective = SegmentValidator.Effective(d.Id, catalog, sizes);
        return new SegmentView(d.Id, d.Name, RulePrinter.Print(d.Rule), RuleJson.ToJson(d.Rule), d.ParentId is { } p ? catalog.ById(p)?.Name : null,
            d.MinSize, size, size < d.MinSize, effective?.Name, d.CreatedAt, d.UpdatedAt, tracker.Status(d.Id));
    }
}
