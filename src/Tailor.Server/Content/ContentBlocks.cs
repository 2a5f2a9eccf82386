using System.Text.Json;
using Tailor.Application;
using Tailor.Application.Content;
using Tailor.Core.Content;
using Tailor.Core.Storage;

namespace Tailor.Server.Content;

/// <summary>
/// Blocks as stored (variants with their conditions, the decision tree, the default) and rendered for one profile —
/// once, for the API (<c>GET /api/blocks</c>, <c>POST /api/blocks/{name}/preview</c>) and the dashboard. A stored
/// block that cannot be loaded comes back with <see cref="BlockDocument.Disabled"/> saying why.
/// </summary>
public sealed class ContentBlocks(IContentStore store, ContentCatalog catalog, ContentPreview preview, PopularItemsSource popular, LiquidEngine engine)
{
    public sealed record Rendered(string Output, string Variant, string Reason, string? Language, IReadOnlyList<MissingVariable> Missing);

    public async Task<IReadOnlyList<BlockDocument>> ListAsync(CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        return [.. (await store.ListContentAsync(ContentKinds.Block, ct)).Select(d => View(d, content))];
    }

    public async Task<BlockDocument?> GetAsync(string name, CancellationToken ct) =>
        await store.GetContentAsync(ContentKinds.Block, name, ct) is { } d ? View(d, await catalog.CurrentAsync(ct)) : null;

    /// <summary>The block as <paramref name="profileId"/> would see it (or not personalised): the output, the variant chosen and why.</summary>
    public async Task<OperationResult<Rendered>> RenderAsync(string name, string? profileId, bool strict, string? locale, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        if (content.Blocks.Find(name) is not { } block) return OperationProblem.NotFound("block", name);
        var facts = profileId is { Length: > 0 } id ? await preview.FactsAsync(id, content.EventNames, ct) : null;
        if (profileId is { Length: > 0 } && facts is null) return OperationProblem.NotFound("profile", profileId);
        var scope = await preview.ScopeAsync(facts, content.SegmentValues, await popular.ItemsAsync(ct), new RequestContext(locale), ct);
        var r = await engine.RenderBlockAsync(block, scope, new RenderSettings(Strict: strict, Blocks: content.Blocks), ct);
        return new Rendered(r.Output, r.Choice.Variant, r.Choice.Reason, r.Choice.Language, r.Missing);
    }

    /// <summary>A stored block as saved; one that cannot be loaded says why (and, if its JSON is unreadable, only that).</summary>
    private static BlockDocument View(ContentDocument d, ContentCatalog.Snapshot content)
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
}
