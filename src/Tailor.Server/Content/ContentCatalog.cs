using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;

namespace Tailor.Server.Content;

/// <summary>
/// The saved templates, blocks, placements and segment values, parsed once and shared by every render. Reloaded
/// from the store after each change made through this node's API, and at most <see cref="RefreshAfter"/> after a
/// change made elsewhere (another node, the CLI).
/// </summary>
public sealed class ContentCatalog(ITailorStore store, LiquidEngine engine, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _current;
    private DateTimeOffset _loadedAt;

    /// <summary>One consistent view of all content.</summary>
    public sealed record Snapshot(
        IReadOnlyDictionary<string, StoredTemplate> Templates,
        BlockLibrary Blocks,
        IReadOnlyDictionary<string, Placement> Placements,
        IReadOnlyList<SegmentValues> SegmentValues,
        IReadOnlySet<string> EventNames);

    public void Dispose() => _gate.Dispose();

    public async ValueTask<Snapshot> CurrentAsync(CancellationToken ct) =>
        _current is { } current && !Stale() ? current : await LoadAsync(force: false, ct);

    /// <summary>Reads everything again now (after a change made through this node).</summary>
    public Task<Snapshot> ReloadAsync(CancellationToken ct) => LoadAsync(force: true, ct);

    private bool Stale() => time.GetUtcNow() - _loadedAt >= RefreshAfter;

    private async Task<Snapshot> LoadAsync(bool force, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Requests that found the snapshot stale together reload it once: the first one; the rest take its result.
            if (!force && _current is { } fresh && !Stale()) return fresh;
            var startedAt = time.GetUtcNow();
            var templates = new Dictionary<string, StoredTemplate>(StringComparer.Ordinal);
            foreach (var d in await store.ListContentAsync(ContentKinds.Template, ct))
            {
                var body = JsonSerializer.Deserialize<TemplateDocument>(d.Json, BlockDocument.Json)!;
                // Saved templates parsed when saved; one that no longer does (an engine upgrade) is skipped, not fatal.
                if (engine.TryParseTemplate(body.Body ?? "", out var parsed, out _) && engine.TryParseTemplate(body.Subject ?? "", out var subject, out _))
                    templates[d.Name] = new StoredTemplate(d.Name, body.Body ?? "", body.Subject, parsed, subject, d.CreatedAt, d.UpdatedAt);
            }
            var blocks = new List<CompiledBlock>();
            var events = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in await store.ListContentAsync(ContentKinds.Block, ct))
            {
                var document = JsonSerializer.Deserialize<BlockDocument>(d.Json, BlockDocument.Json)!;
                if (document.TryConvert(d.CreatedAt, d.UpdatedAt, out var block) is not null) continue;
                try { blocks.Add(engine.CompileBlock(block)); }
                catch (BlockContentException) { continue; }
                foreach (var rule in Conditions(block)) events.UnionWith(RuleDependencies.Of(rule).Events);
            }
            var placements = new Dictionary<string, Placement>(StringComparer.Ordinal);
            foreach (var d in await store.ListContentAsync(ContentKinds.Placement, ct))
                placements[d.Name] = JsonSerializer.Deserialize<Placement>(d.Json, BlockDocument.Json)! with { Name = d.Name };
            var values = new List<SegmentValues>();
            foreach (var d in await store.ListContentAsync(ContentKinds.SegmentValues, ct))
            {
                var v = JsonSerializer.Deserialize<SegmentValuesDocument>(d.Json, BlockDocument.Json)!;
                values.Add(new SegmentValues(d.Name, v.Priority ?? 0, v.Values ?? new Dictionary<string, JsonElement>(), d.UpdatedAt));
            }
            _loadedAt = startedAt;
            return _current = new Snapshot(templates, new BlockLibrary(blocks), placements, values, events);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static IEnumerable<Rule> Conditions(ContentBlock block)
    {
        foreach (var v in block.Variants) if (v.Condition is { } c) yield return c;
        var stack = new Stack<DecisionNode>();
        if (block.Tree is { } tree) stack.Push(tree);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.Condition is { } c) yield return c;
            if (node.Then is { } t) stack.Push(t);
            if (node.Else is { } e) stack.Push(e);
        }
    }
}
