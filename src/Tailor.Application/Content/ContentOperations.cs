using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Storage;

namespace Tailor.Application.Content;

/// <summary>
/// Saving and deleting content — templates, blocks, placements, the values segments give templates — once for the
/// HTTP API and the CLI: each save checks its input (names, Liquid that must parse, limits, what it refers to) and
/// answers with the stored document or the rule it broke.
/// </summary>
public sealed class ContentOperations(IContentStore store, ISegmentStore segments, LiquidEngine engine, TimeProvider time)
{
    /// <summary>A template: its body is required and must parse; so must the subject, when given.</summary>
    public async Task<OperationResult<SavedContent>> SaveTemplateAsync(string? name, string? body, string? subject, SaveMode mode, CancellationToken ct)
    {
        if (mode != SaveMode.Replace && ContentNames.Check("name", name) is { } nameError) return OperationProblem.Invalid(nameError.Field, nameError.Rule);
        var existing = mode == SaveMode.Replace ? await store.GetContentAsync(ContentKinds.Template, name!, ct) : null;
        if (mode == SaveMode.Replace && existing is null) return Missing("template", name!);
        if (body is null) return OperationProblem.Invalid("body", "is required: the template's Liquid");
        if (!engine.TryParseTemplate(body, out _, out var error)) return OperationProblem.NotLiquid("body", error);
        if (subject is not null && !engine.TryParseTemplate(subject, out _, out var subjectError)) return OperationProblem.NotLiquid("subject", subjectError);
        return await SaveAsync(ContentKinds.Template, Name(name!, mode), JsonSerializer.Serialize(new TemplateDocument(body, subject), BlockDocument.Json), mode, existing, ct);
    }

    /// <summary>A condition a block cannot evaluate (<see cref="Core.Segments.Rules.SegmentOnlyRules"/>), with the field that holds it.</summary>
    private static Core.Events.ValidationError? SegmentOnlyConditions(ContentBlock block)
    {
        for (var i = 0; i < block.Variants.Count; i++)
            if (block.Variants[i].Condition is { } rule && Core.Segments.Rules.SegmentOnlyRules.Refusal(rule) is { } why)
                return new($"variants[{i}].condition", why);
        return block.Tree is null ? null : InTree(block.Tree, "tree");

        static Core.Events.ValidationError? InTree(DecisionNode node, string field)
        {
            if (node.IsLeaf) return null;
            if (node.Condition is { } rule && Core.Segments.Rules.SegmentOnlyRules.Refusal(rule) is { } why) return new($"{field}.if", why);
            return (node.Then is null ? null : InTree(node.Then, $"{field}.then")) ?? (node.Else is null ? null : InTree(node.Else, $"{field}.else"));
        }
    }

    /// <summary>A block: its variants (or decision tree) and default must convert within the limits and their Liquid parse.</summary>
    /// <param name="block">For <see cref="SaveMode.Replace"/>, its name is the one to replace.</param>
    public async Task<OperationResult<SavedContent>> SaveBlockAsync(BlockDocument block, SaveMode mode, CancellationToken ct)
    {
        var existing = mode == SaveMode.Replace ? await store.GetContentAsync(ContentKinds.Block, block.Name!, ct) : null;
        if (mode == SaveMode.Replace && existing is null) return Missing("block", block.Name!);
        var now = time.GetUtcNow();
        if (block.TryConvert(now, now, out var converted, engine.Limits) is { } invalid) return OperationProblem.Invalid(invalid.Field, invalid.Rule);
        if (SegmentOnlyConditions(converted) is { } segmentOnly) return OperationProblem.Invalid(segmentOnly.Field, segmentOnly.Rule);
        try
        {
            engine.CompileBlock(converted);
        }
        catch (BlockContentException e)
        {
            return OperationProblem.NotLiquid(e.Field, e.Error);
        }
        var stored = block with { Name = Name(block.Name!, mode) };
        return await SaveAsync(ContentKinds.Block, stored.Name!, JsonSerializer.Serialize(stored, BlockDocument.Json), mode, existing, ct);
    }

    /// <summary>A placement shows exactly one of an existing block or an existing template.</summary>
    public async Task<OperationResult<SavedContent>> SavePlacementAsync(Placement placement, SaveMode mode, CancellationToken ct)
    {
        if (mode != SaveMode.Replace && ContentNames.Check("name", placement.Name) is { } nameError) return OperationProblem.Invalid(nameError.Field, nameError.Rule);
        var existing = mode == SaveMode.Replace ? await store.GetContentAsync(ContentKinds.Placement, placement.Name, ct) : null;
        if (mode == SaveMode.Replace && existing is null) return Missing("placement", placement.Name);
        if ((placement.Block is null) == (placement.Template is null)) return OperationProblem.Invalid("block", "exactly one of 'block' or 'template' must be given");
        if (placement.Block is { } block && await store.GetContentAsync(ContentKinds.Block, block, ct) is null)
            return OperationProblem.Invalid("block", $"must name an existing block; \"{block}\" does not exist");
        if (placement.Template is { } template && await store.GetContentAsync(ContentKinds.Template, template, ct) is null)
            return OperationProblem.Invalid("template", $"must name an existing template; \"{template}\" does not exist");
        var stored = placement with { Name = Name(placement.Name, mode) };
        return await SaveAsync(ContentKinds.Placement, stored.Name, JsonSerializer.Serialize(stored, BlockDocument.Json), mode, existing, ct);
    }

    /// <summary>The values an existing segment gives templates (<c>user.segment.*</c>), created or replaced.</summary>
    public async Task<OperationResult<SavedContent>> SaveSegmentValuesAsync(string segment, SegmentValuesDocument values, CancellationToken ct)
    {
        if (!(await segments.ListSegmentsAsync(ct)).Any(s => s.Name == segment))
            return OperationProblem.Invalid("segment", $"must name an existing segment; \"{segment}\" does not exist");
        if (values.Values is not { Count: > 0 }) return OperationProblem.Invalid("values", "must be an object with at least one value");
        var existing = await store.GetContentAsync(ContentKinds.SegmentValues, segment, ct);
        return await SaveAsync(ContentKinds.SegmentValues, segment, JsonSerializer.Serialize(values, BlockDocument.Json), SaveMode.Upsert, existing, ct);
    }

    /// <summary>Deletes a document of <paramref name="kind"/> (one of <see cref="ContentKinds"/>); false when there was none.</summary>
    public Task<bool> DeleteAsync(string kind, string name, CancellationToken ct) => store.DeleteContentAsync(kind, name, ct);

    private async Task<OperationResult<SavedContent>> SaveAsync(string kind, string name, string json, SaveMode mode, ContentDocument? existing, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (mode == SaveMode.Upsert) existing ??= await store.GetContentAsync(kind, name, ct);
        var document = existing is null ? new ContentDocument(kind, name, json, now, now) : existing with { Json = json, UpdatedAt = now };
        if (!await store.SaveContentAsync(document, createOnly: mode == SaveMode.Create, ct))
            return OperationProblem.Conflict("name", $"must be unique; PUT /api/{KindWord(kind)}s/{{name}} replaces one");
        return new SavedContent(document, existing is null);
    }

    /// <summary>New names are trimmed; a replaced document keeps the name it is stored under.</summary>
    private static string Name(string name, SaveMode mode) => mode == SaveMode.Replace ? name : name.Trim();

    private static OperationProblem Missing(string what, string name) => OperationProblem.NotFound("name", $"no {what} named \"{name}\"");

    private static string KindWord(string kind) => kind == ContentKinds.SegmentValues ? "segment-value" : kind;
}
