using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;
using Tailor.Application.Content;

namespace Tailor.Server.Content;

/// <summary>
/// The saved templates, blocks, placements and segment values, parsed once and shared by every render. Reloaded
/// from the store after each change made through this node's API, and at most <see cref="RefreshAfter"/> after a
/// change made elsewhere (another node, the CLI). A stored template or block that cannot be loaded (unreadable, over a
/// limit, no longer parses) is left out and listed in <see cref="Snapshot.Disabled"/> with the reason; it never stops
/// the others from loading.
/// </summary>
public sealed partial class ContentCatalog(IContentStore store, LiquidEngine engine, TimeProvider time, ILogger<ContentCatalog>? logger = null) : IDisposable
{
    private readonly ILogger _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

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
        IReadOnlySet<string> EventNames)
    {
        /// <summary>Stored content that cannot be loaded, by (kind, name).</summary>
        public IReadOnlyDictionary<(string Kind, string Name), DisabledContent> Disabled { get; init; } = new Dictionary<(string, string), DisabledContent>();

        public IEnumerable<DisabledContent> DisabledOf(string kind) => Disabled.Values.Where(d => d.Kind == kind);

        /// <summary>
        /// Whether any template or block mentions <c>recommendations</c>: when none does, <c>/v1/personalize</c> skips
        /// reading the profile's recommendations (a store read on every request otherwise). Emails, whose inline bodies
        /// are not in the catalog, always read them.
        /// </summary>
        public bool ReadsRecommendations { get; init; }
    }

    /// <summary>A stored template or block left out of the catalog, and why.</summary>
    /// <param name="Body">A template's body as stored, when it could be read.</param>
    public sealed record DisabledContent(string Kind, string Name, string Reason, string? Body, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private readonly HashSet<(string, string, string)> _reported = [];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored {Kind} '{Name}' is disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string kind, string name, string reason);

    public void Dispose() => _gate.Dispose();

    public async ValueTask<Snapshot> CurrentAsync(CancellationToken ct) =>
        _current is { } current && !Stale() ? current : await LoadAsync(force: false, ct);

    /// <summary>Reads everything again now (after a change made through this node).</summary>
    public async Task<Snapshot> ReloadAsync(CancellationToken ct)
    {
        var snapshot = await LoadAsync(force: true, ct);
        Reloaded?.Invoke();
        return snapshot;
    }

    /// <summary>Raised after each reload for a change made through this node (in a cluster, announced to the others).</summary>
    public event Action? Reloaded;

    /// <summary>Another node changed content: the next read loads it again.</summary>
    public void Forget() => _forgotten = true;

    private volatile bool _forgotten;

    private bool Stale() => _forgotten || time.GetUtcNow() - _loadedAt >= RefreshAfter;

    private async Task<Snapshot> LoadAsync(bool force, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Requests that found the snapshot stale together reload it once: the first one; the rest take its result.
            if (!force && _current is { } fresh && !Stale()) return fresh;
            _forgotten = false; // a notice after this point marks the new snapshot stale again
            var startedAt = time.GetUtcNow();
            var disabled = new Dictionary<(string, string), DisabledContent>();
            void Disable(ContentDocument d, string reason, string? body = null)
            {
                disabled[(d.Kind, d.Name)] = new DisabledContent(d.Kind, d.Name, reason, body, d.CreatedAt, d.UpdatedAt);
                lock (_reported)
                    if (_reported.Add((d.Kind, d.Name, reason))) LogDisabled(_logger, d.Kind, d.Name, reason);
            }
            var readsRecommendations = false;
            var templates = new Dictionary<string, StoredTemplate>(StringComparer.Ordinal);
            foreach (var d in await store.ListContentAsync(ContentKinds.Template, ct))
            {
                readsRecommendations |= d.Json.Contains("recommendations", StringComparison.Ordinal);
                // Saved templates parsed when saved; one that no longer does (an engine upgrade, a lower limit, a row
                // written by hand) is disabled, not fatal.
                if (Read<TemplateDocument>(d) is not { } body) { Disable(d, "its stored JSON cannot be read"); continue; }
                if (!engine.TryParseTemplate(body.Body ?? "", out var parsed, out var error)) { Disable(d, $"its body no longer parses: {error}", body.Body); continue; }
                if (!engine.TryParseTemplate(body.Subject ?? "", out var subject, out var subjectError)) { Disable(d, $"its subject no longer parses: {subjectError}", body.Body); continue; }
                templates[d.Name] = new StoredTemplate(d.Name, body.Body ?? "", body.Subject, parsed, subject, d.CreatedAt, d.UpdatedAt);
            }
            var blocks = new List<CompiledBlock>();
            var events = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in await store.ListContentAsync(ContentKinds.Block, ct))
            {
                readsRecommendations |= d.Json.Contains("recommendations", StringComparison.Ordinal);
                if (Read<BlockDocument>(d) is not { } document) { Disable(d, "its stored JSON cannot be read"); continue; }
                if (document.TryConvert(d.CreatedAt, d.UpdatedAt, out var block, engine.Limits) is { } invalid) { Disable(d, $"{invalid.Field} {invalid.Rule}"); continue; }
                try { blocks.Add(engine.CompileBlock(block)); }
                catch (BlockContentException e) { Disable(d, $"{e.Field} no longer parses: {e.Error}"); continue; }
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
            // Stored templates are also the snippets {% render 'name' %} and {% include 'name' %} read.
            return _current = new Snapshot(templates, new BlockLibrary(blocks, templates.Select(t => KeyValuePair.Create(t.Key, t.Value.Parsed))), placements, values, events) { Disabled = disabled, ReadsRecommendations = readsRecommendations };
        }
        finally
        {
            _gate.Release();
        }
    }

    private static T? Read<T>(ContentDocument d) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(d.Json, BlockDocument.Json);
        }
        catch (JsonException)
        {
            return null;
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
