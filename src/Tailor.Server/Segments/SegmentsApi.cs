using Tailor.Application;
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
        segments.MapGet("overlap/matrix", OverlapMatrixAsync).WithName("SegmentOverlapMatrix")
            .WithSummary("Pairwise overlap of 2 to 12 chosen segments (?segments=A&segments=B): members in common and Jaccard");
        segments.MapGet("stream", (string? segment, MembershipFeed feed, SegmentOperations operations, TimeProvider time, CancellationToken ct) => Stream(segment, feed, operations, time, ct))
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
        SegmentRequest request, SegmentOperations segments, RecomputeTracker tracker, DefinitionLimits limits, CancellationToken ct)
    {
        if (ParseRule(request, required: true, limits, out var rule) is { } problem) return problem;
        var created = await segments.CreateAsync(new SegmentInput(request.Name, rule, request.Parent, request.MinSize), ct);
        if (created.Problem is { } refused) return ApiProblems.For(refused);
        _ = tracker.Start(created.Value!.Id);
        return TypedResults.Created($"/api/segments/{created.Value.Id}", await ViewAsync(created.Value, segments, tracker, ct));
    }

    private static async Task<Results<Ok<SegmentView>, NotFound, ProblemHttpResult>> UpdateAsync(
        string id, SegmentRequest request, SegmentOperations segments, RecomputeTracker tracker, DefinitionLimits limits, CancellationToken ct)
    {
        if (segments.Find(id) is null && segments.Catalog.DisabledSegment(id) is null) return TypedResults.NotFound();
        if (ParseRule(request, required: false, limits, out var rule) is { } problem) return problem;
        var changed = await segments.ChangeAsync(id, new SegmentInput(request.Name, rule, request.Parent, request.MinSize), ct);
        if (changed.Problem is { } refused) return refused.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(refused);
        _ = tracker.Start(changed.Value!.Id);
        return TypedResults.Ok(await ViewAsync(changed.Value, segments, tracker, ct));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(string id, SegmentOperations segments, CancellationToken ct)
    {
        var deleted = await segments.DeleteAsync(id, ct);
        if (deleted.Problem is { } refused) return refused.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(refused);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<SegmentView[]>> ListAsync(SegmentOperations segments, RecomputeTracker tracker, CancellationToken ct)
    {
        var (catalog, sizes) = await segments.ListAsync(ct);
        return TypedResults.Ok(catalog.InOrder.Select(c => View(c, sizes, catalog, tracker)).Concat(catalog.Disabled.Select(d => DisabledView(d, sizes)))
            .OrderBy(v => v.Name, StringComparer.Ordinal).ToArray());
    }

    private static async Task<Results<Ok<SegmentView>, NotFound>> GetAsync(string id, SegmentOperations segments, RecomputeTracker tracker, CancellationToken ct)
    {
        var (catalog, sizes) = await segments.ListAsync(ct);
        return segments.Find(id) is { } segment ? TypedResults.Ok(View(segment, sizes, catalog, tracker))
            : catalog.DisabledSegment(id) is { } disabled ? TypedResults.Ok(DisabledView(disabled, sizes))
            : TypedResults.NotFound();
    }

    /// <summary>A stored segment that cannot load: its rule as stored and why, so it can be fixed or deleted.</summary>
    private static SegmentView DisabledView(SegmentDefinition d, IReadOnlyDictionary<string, long> sizes) =>
        new(d.Id, d.Name, d.StoredRule ?? RulePrinter.Print(d.Rule), d.StoredRule is null ? RuleJson.ToJson(d.Rule) : null, null, d.MinSize,
            sizes.GetValueOrDefault(d.Id), false, null, d.CreatedAt, d.UpdatedAt, null, d.Disabled);

    public sealed record MembersPage(IReadOnlyList<SegmentMember> Members, string? Next);

    private static async Task<Results<Ok<MembersPage>, NotFound, ProblemHttpResult>> MembersAsync(
        string id, string? after, int? limit, ISegmentStore store, SegmentOperations segments, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        if (segments.Find(id) is not { } segment) return TypedResults.NotFound();
        var page = await store.MembersAsync(segment.Id, after, limit ?? 100, ct);
        return TypedResults.Ok(new MembersPage(page, page.Count == (limit ?? 100) ? page[^1].ProfileId : null));
    }

    public sealed record PreviewRequest(string? Rule, JsonElement? RuleJson, int? SampleSize);

    private static async Task<Results<Ok<SegmentPreview>, ProblemHttpResult>> PreviewAsync(PreviewRequest request, SegmentOperations segments, DefinitionLimits limits, CancellationToken ct)
    {
        if (ParseRule(new SegmentRequest(null, request.Rule, request.RuleJson, null, null), required: true, limits, out var rule) is { } problem) return problem;
        var preview = await segments.PreviewAsync(rule!, request.SampleSize, ct);
        return preview.Problem is { } refused ? ApiProblems.For(refused) : TypedResults.Ok(preview.Value);
    }

    private static async Task<Results<Ok<Explanation>, NotFound, ProblemHttpResult>> ExplainAsync(string id, string? profileId, SegmentOperations segments, CancellationToken ct)
    {
        var explanation = await segments.ExplainAsync(id, profileId, ct);
        if (explanation.Problem is { } refused) return refused.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(refused);
        return TypedResults.Ok(explanation.Value);
    }

    private static async Task<Results<Ok<RecomputeStatus>, NotFound>> RecomputeAsync(string id, bool? wait, SegmentOperations segments, RecomputeTracker tracker)
    {
        // The server recomputes in the background with progress to poll; the CLI calls SegmentOperations.RecomputeAsync in the foreground.
        if (segments.Find(id) is not { } segment) return TypedResults.NotFound();
        var task = tracker.Start(segment.Id);
        return TypedResults.Ok(wait == false ? tracker.Status(segment.Id)! : await task);
    }

    private static async Task<Results<Ok<MembershipChange[]>, NotFound>> HistoryAsync(string id, int? limit, ISegmentStore store, SegmentOperations segments, CancellationToken ct) =>
        segments.Find(id) is { } segment
            ? TypedResults.Ok((await store.MembershipHistoryAsync(null, segment.Id, Math.Clamp(limit ?? 1000, 1, 100_000), ct)).ToArray())
            : TypedResults.NotFound();

    private static async Task<Results<Ok<SegmentSizePoint[]>, NotFound>> SizesAsync(string id, int? limit, ISegmentStore store, SegmentOperations segments, CancellationToken ct) =>
        segments.Find(id) is { } segment
            ? TypedResults.Ok((await store.SizeHistoryAsync(segment.Id, Math.Clamp(limit ?? 1000, 1, 100_000), ct)).ToArray())
            : TypedResults.NotFound();

    private static async Task<Results<Ok<SegmentOverlapMatrix>, ProblemHttpResult>> OverlapMatrixAsync(string[]? segments, SegmentOperations operations, CancellationToken ct)
    {
        var matrix = await operations.OverlapMatrixAsync(segments, ct);
        return matrix.Value is { } m ? TypedResults.Ok(m) : ApiProblems.For(matrix.Problem!);
    }

    private static async Task<Ok<SegmentOverlap[]>> OverlapAsync(SegmentOperations segments, CancellationToken ct) =>
        TypedResults.Ok((await segments.OverlapAsync(ct)).ToArray());

    public sealed record ProfileSegments(IReadOnlyList<string> Segments, IReadOnlyList<MembershipChange> History);

    private static async Task<Results<Ok<ProfileSegments>, NotFound>> ProfileSegmentsAsync(
        string id, IProfileStore profiles, ISegmentStore store, SegmentOperations segments, CancellationToken ct)
    {
        var profile = await profiles.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return TypedResults.Ok(new ProfileSegments(await segments.NamesOfAsync(profile.Id, ct), await store.MembershipHistoryAsync(profile.Id, null, 1000, ct)));
    }

    private static ServerSentEventsResult<MembershipNotice> Stream(string? segment, MembershipFeed feed, SegmentOperations segments, TimeProvider time, CancellationToken ct)
    {
        var id = segment is null ? null : segments.Find(segment)?.Id ?? segment;
        return TypedResults.ServerSentEvents(Notices(feed.SubscribeAsync(id, ct), time, ct));

        static async IAsyncEnumerable<SseItem<MembershipNotice>> Notices(IAsyncEnumerable<MembershipNotice> notices, TimeProvider time,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            // A first event sends the headers at once, so a subscriber knows it is connected before anything changes.
            yield return new SseItem<MembershipNotice>(new MembershipNotice("subscribed", "", "", "", time.GetUtcNow()), "subscribed");
            await foreach (var notice in notices.WithCancellation(ct)) yield return new SseItem<MembershipNotice>(notice, notice.Type);
        }
    }

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

    private static async Task<SegmentView> ViewAsync(SegmentCatalog.Compiled segment, SegmentOperations segments, RecomputeTracker tracker, CancellationToken ct)
    {
        var (catalog, sizes) = await segments.ListAsync(ct);
        return View(segment, sizes, catalog, tracker);
    }

    private static SegmentView View(SegmentCatalog.Compiled c, IReadOnlyDictionary<string, long> sizes, SegmentCatalog catalog, RecomputeTracker tracker)
    {
        var d = c.Definition;
        var size = sizes.GetValueOrDefault(d.Id);
        var effective = SegmentValidator.Effective(d.Id, catalog, sizes);
        return new SegmentView(d.Id, d.Name, RulePrinter.Print(d.Rule), RuleJson.ToJson(d.Rule), d.ParentId is { } p ? catalog.ById(p)?.Name : null,
            d.MinSize, size, size < d.MinSize, effective?.Name, d.CreatedAt, d.UpdatedAt, tracker.Status(d.Id));
    }
}
