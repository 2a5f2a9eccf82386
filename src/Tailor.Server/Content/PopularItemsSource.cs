using Tailor.Core.Content;
using Tailor.Core.Storage;

namespace Tailor.Server.Content;

/// <summary>Popular items counted over the latest events, recounted at most once a minute.</summary>
public sealed class PopularItemsSource(IContentStore store, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private const int EventsCounted = 5000;
    private const int Top = 12;
    private (IReadOnlyList<RecommendedItem> Items, DateTimeOffset At)? _current;

    public async ValueTask<IReadOnlyList<RecommendedItem>> ItemsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_current is { } c && now - c.At < MaxAge) return c.Items;
        var items = PopularItems.From(await store.RecentTrackEventsAsync(PopularItems.EventNames.ToArray(), EventsCounted, ct), Top);
        _current = (items, now);
        return items;
    }
}
