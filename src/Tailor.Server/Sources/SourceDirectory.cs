using System.Collections.Concurrent;
using Tailor.Core.Sources;

namespace Tailor.Server.Sources;

/// <summary>
/// The connector sources a node receives webhooks for, read from the store and kept a few seconds, so a burst of
/// webhooks costs one read. Changes through this node's API are seen at once (<see cref="Forget"/>); from the CLI or
/// another node within <see cref="CacheFor"/>. Unknown ids are not cached: guessing ids cannot fill the memory.
/// </summary>
public sealed class SourceDirectory(ISourceStore store, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (InboundSource Source, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<InboundSource?> GetAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Until > now) return cached.Source;
        var source = await store.GetSourceAsync(id, ct);
        if (source is null) _cache.TryRemove(id, out _);
        else _cache[id] = (source, now + CacheFor);
        return source;
    }

    public void Forget(string id) => _cache.TryRemove(id, out _);
}
