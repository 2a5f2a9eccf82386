using System.Collections.Concurrent;

namespace Tailor.Server.Sources;

/// <summary>
/// Bounds how many webhook requests a source may send a minute on this node (its <c>ratePerMinute</c>): a fixed window
/// on the injected clock. Past it the sender gets 429 with <c>Retry-After</c>, and Shopify and most senders retry.
/// Only known sources get a window, so the map is as large as the list of sources.
/// </summary>
public sealed class SourceRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>True when the request may go on; otherwise how long until the window ends.</summary>
    public bool TryTake(string sourceId, int perMinute, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var window = _windows.AddOrUpdate(sourceId, _ => new Window(minute, 1), (_, w) => w.Start == minute ? w with { Count = w.Count + 1 } : new Window(minute, 1));
        retryAfter = minute.AddMinutes(1) - now;
        return window.Count <= perMinute;
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
