using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Segments;

/// <summary>
/// Every operation on segments, once for the HTTP API and the CLI: create, change, save by name, delete (refused while
/// anything refers to the segment), list with sizes, preview, explain, recompute and overlap. Segments are named by id
/// or name. The catalog is the engine's: a save or delete reloads it, so the next evaluation uses the change.
/// </summary>
public sealed class SegmentOperations(ISegmentStore segments, ITriggerStore triggers, ICampaignStore campaigns, IContentStore content,
    SegmentEngine engine, IdSource ids, TimeProvider time)
{
    /// <summary>The sample sizes a preview accepts.</summary>
    public const int MinSample = 10, MaxSample = 100_000, DefaultSample = 2000;

    /// <summary>The segments as loaded now, live and disabled.</summary>
    public SegmentCatalog Catalog => engine.Catalog;

    /// <summary>The live segment with this id or name; null when there is none (or it is disabled).</summary>
    public SegmentCatalog.Compiled? Find(string idOrName) => engine.Catalog.ById(idOrName) ?? engine.Catalog.ByName(idOrName);

    /// <summary>Creates a new segment; a name in use is a validation error.</summary>
    public async Task<OperationResult<SegmentCatalog.Compiled>> CreateAsync(SegmentInput input, CancellationToken ct)
    {
        if (input.Rule is null) return OperationProblem.Invalid("rule", "is required");
        if (ParentId(input.Parent, out var parentId) is { } error) return OperationProblem.Invalid(error);
        var now = time.GetUtcNow();
        return await SaveAsync(new SegmentDefinition(ids.New("seg"), input.Name?.Trim() ?? "", input.Rule, parentId,
            input.MinSize ?? SegmentDefinition.DefaultMinSize, now, now), ct);
    }

    /// <summary>Creates the segment, or replaces the one with the same name (keeping its id and creation time): every field is given.</summary>
    public async Task<OperationResult<SavedSegment>> SaveByNameAsync(SegmentInput input, CancellationToken ct)
    {
        var existing = input.Name is { } name ? engine.Catalog.ByName(name.Trim()) : null;
        if (existing is null)
        {
            var created = await CreateAsync(input, ct);
            return created.Succeeded ? new SavedSegment(created.Value!, true) : created.Problem!;
        }
        if (input.Rule is null) return OperationProblem.Invalid("rule", "is required");
        if (ParentId(input.Parent, out var parentId) is { } error) return OperationProblem.Invalid(error);
        var saved = await SaveAsync(existing.Definition with
        {
            Rule = input.Rule, ParentId = parentId, MinSize = input.MinSize ?? SegmentDefinition.DefaultMinSize, UpdatedAt = time.GetUtcNow(),
        }, ct);
        return saved.Succeeded ? new SavedSegment(saved.Value!, false) : saved.Problem!;
    }

    /// <summary>Changes the fields given and keeps the others. A disabled segment cannot be changed, only deleted and created again.</summary>
    public async Task<OperationResult<SegmentCatalog.Compiled>> ChangeAsync(string idOrName, SegmentInput input, CancellationToken ct)
    {
        if (Find(idOrName) is not { } existing)
            return engine.Catalog.DisabledSegment(idOrName) is { } disabled
                ? OperationProblem.Invalid("id", $"the segment is disabled ({disabled.Disabled}); delete it and create it again")
                : OperationProblem.NotFound("segment", "does not exist");
        if (ParentId(input.Parent, out var parentId) is { } error) return OperationProblem.Invalid(error);
        var d = existing.Definition;
        return await SaveAsync(d with
        {
            Name = input.Name?.Trim() ?? d.Name,
            Rule = input.Rule ?? d.Rule,
            ParentId = input.Parent is null ? d.ParentId : parentId,
            MinSize = input.MinSize ?? d.MinSize,
            UpdatedAt = time.GetUtcNow(),
        }, ct);
    }

    /// <summary>
    /// Deletes the segment with its members, timers and history, unless other segments, triggers, campaigns not yet
    /// completed or content blocks refer to it. A disabled segment can be deleted (that is how it is fixed).
    /// </summary>
    public async Task<OperationResult<SegmentDefinition>> DeleteAsync(string idOrName, CancellationToken ct)
    {
        var segment = Find(idOrName)?.Definition ?? engine.Catalog.DisabledSegment(idOrName);
        if (segment is null) return OperationProblem.NotFound("segment", "does not exist");
        if (SegmentValidator.CheckDelete(segment, engine.Catalog, await TriggersAsync(ct), await campaigns.ListCampaignsAsync(ct), await BlocksAsync(ct)) is { } refused)
            return OperationProblem.Invalid(refused);
        await segments.DeleteSegmentAsync(segment.Id, ct);
        await engine.ReloadAsync(ct);
        return segment;
    }

    /// <summary>Every segment, live and disabled, with its size.</summary>
    public async Task<SegmentList> ListAsync(CancellationToken ct) => new(engine.Catalog, await segments.SegmentSizesAsync(ct));

    /// <summary>How many profiles a rule would match (estimated from a sample on large data), with example members; nothing is saved.</summary>
    public async Task<OperationResult<SegmentPreview>> PreviewAsync(Rule rule, int? sampleSize, CancellationToken ct)
    {
        if (sampleSize is < MinSample or > MaxSample) return OperationProblem.Invalid("sampleSize", $"must be between {MinSample} and {MaxSample}");
        try
        {
            return await engine.PreviewAsync(rule, sampleSize ?? DefaultSample, ct);
        }
        catch (SegmentCatalogException ex)
        {
            return OperationProblem.Invalid("rule", ex.Rule);
        }
    }

    /// <summary>Why a profile is in the segment or not, condition by condition.</summary>
    public async Task<OperationResult<Explanation>> ExplainAsync(string idOrName, string? profileId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(profileId)) return OperationProblem.Invalid("profileId", "is required");
        if (Find(idOrName) is not { } segment) return OperationProblem.NotFound("segment", "does not exist");
        return await engine.ExplainAsync(segment.Id, profileId, ct) is { } explanation ? explanation : OperationProblem.NotFound("profile", "does not exist");
    }

    /// <summary>Re-evaluates the segment (and those that refer to it) over every profile, reporting progress.</summary>
    public async Task<OperationResult<RecomputeResult>> RecomputeAsync(string idOrName, IProgress<RecomputeProgress>? progress, CancellationToken ct) =>
        Find(idOrName) is { } segment
            ? await engine.RecomputeAsync(segment.Id, progress, ct)
            : OperationProblem.NotFound("segment", "does not exist");

    /// <summary>Every pair of segments sharing members, by Jaccard overlap, largest first.</summary>
    public async Task<IReadOnlyList<SegmentOverlap>> OverlapAsync(CancellationToken ct)
    {
        var sizes = await segments.SegmentSizesAsync(ct);
        string Name(string id) => engine.Catalog.ById(id)?.Name ?? id;
        return [.. (await segments.IntersectionsAsync(ct)).Select(i =>
        {
            var union = sizes.GetValueOrDefault(i.First) + sizes.GetValueOrDefault(i.Second) - i.Common;
            var jaccard = union == 0 ? 0 : Math.Round((double)i.Common / union, 4);
            return new SegmentOverlap(Name(i.First), Name(i.Second), i.Common, jaccard, jaccard >= SegmentOverlap.NearDuplicateJaccard);
        }).OrderByDescending(o => o.Jaccard)];
    }

    /// <summary>
    /// The overlap matrix of 2 to <see cref="SegmentOverlapMatrix.MaxSegments"/> live segments (by id or name), in the
    /// order given; reads only those segments' members.
    /// </summary>
    public async Task<OperationResult<SegmentOverlapMatrix>> OverlapMatrixAsync(IReadOnlyList<string>? idsOrNames, CancellationToken ct)
    {
        const int max = SegmentOverlapMatrix.MaxSegments;
        if (idsOrNames is not { Count: >= 2 and <= max }) return OperationProblem.Invalid("segments", $"must name between 2 and {max} segments");
        var chosen = new List<SegmentCatalog.Compiled>(idsOrNames.Count);
        for (var i = 0; i < idsOrNames.Count; i++)
        {
            if (Find(idsOrNames[i]?.Trim() ?? "") is not { } segment) return OperationProblem.Invalid($"segments[{i}]", "must be the name or id of a live segment");
            if (chosen.Any(c => c.Id == segment.Id)) return OperationProblem.Invalid($"segments[{i}]", "must not repeat a segment");
            chosen.Add(segment);
        }
        var ids = chosen.Select(c => c.Id).ToArray();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var all = await segments.SegmentSizesAsync(ct);
        var sizes = ids.Select(id => all.GetValueOrDefault(id)).ToArray();
        var common = new long[ids.Length][];
        for (var i = 0; i < ids.Length; i++) (common[i] = new long[ids.Length])[i] = sizes[i];
        foreach (var pair in await segments.IntersectionsAsync(ids, ct))
        {
            var (a, b) = (index[pair.First], index[pair.Second]);
            common[a][b] = common[b][a] = pair.Common;
        }
        var jaccard = new double[ids.Length][];
        for (var i = 0; i < ids.Length; i++)
        {
            jaccard[i] = new double[ids.Length];
            for (var j = 0; j < ids.Length; j++)
            {
                var union = sizes[i] + sizes[j] - common[i][j];
                jaccard[i][j] = i == j ? 1 : union == 0 ? 0 : Math.Round((double)common[i][j] / union, 4);
            }
        }
        return new SegmentOverlapMatrix(ids, [.. chosen.Select(c => c.Name)], sizes, common, jaccard);
    }

    /// <summary>The names of a profile's current segments, sorted.</summary>
    public async Task<IReadOnlyList<string>> NamesOfAsync(string profileId, CancellationToken ct)
    {
        var memberOf = await segments.MembershipsAsync(profileId, ct);
        return [.. memberOf.Select(i => engine.Catalog.ById(i)?.Name).OfType<string>().Order(StringComparer.Ordinal)];
    }

    private async Task<OperationResult<SegmentCatalog.Compiled>> SaveAsync(SegmentDefinition segment, CancellationToken ct)
    {
        if (SegmentValidator.Validate(segment, engine.Catalog) is { } error) return OperationProblem.Invalid(error);
        await segments.SaveSegmentAsync(segment, ct);
        await engine.ReloadAsync(ct);
        return engine.Catalog.ById(segment.Id) is { } saved
            ? saved
            : OperationProblem.Invalid("rule", engine.Catalog.DisabledSegment(segment.Id)?.Disabled ?? "cannot be loaded");
    }

    private ValidationError? ParentId(string? parent, out string? id)
    {
        id = null;
        if (parent is null) return null;
        if (Find(parent) is not { } found) return new ValidationError("parent", "must be the name or id of an existing segment");
        id = found.Id;
        return null;
    }

    private async Task<IEnumerable<TriggerDefinition>> TriggersAsync(CancellationToken ct) =>
        new TriggerCatalog(await triggers.ListTriggersAsync(ct)).All.Select(t => t.Definition);

    private async Task<IEnumerable<ContentBlock>> BlocksAsync(CancellationToken ct)
    {
        var blocks = new List<ContentBlock>();
        foreach (var d in await content.ListContentAsync(ContentKinds.Block, ct))
        {
            // A block that no longer converts is disabled and never shown; it cannot depend on anything.
            try
            {
                if (JsonSerializer.Deserialize<BlockDocument>(d.Json, BlockDocument.Json) is { } document && document.TryConvert(d.CreatedAt, d.UpdatedAt, out var block) is null)
                    blocks.Add(block);
            }
            catch (JsonException)
            {
            }
        }
        return blocks;
    }
}
