using Tailor.Core.Content;
using Tailor.Core.Storage;

namespace Tailor.Server.Content;

/// <summary>
/// The <c>recommendations</c> of a render: the profile's precomputed list from the served recommendation run (items
/// already bought excluded when it was computed), else the popular items (new customers, anonymous renders, or no
/// run promoted yet).
/// </summary>
public sealed class RecommendationsSource(IRecommendationStore store, PopularItemsSource popular)
{
    public const int Top = 12;

    public async ValueTask<IReadOnlyList<RecommendedItem>> ForAsync(string? profileId, CancellationToken ct)
    {
        if (profileId is not null)
        {
            var own = await store.ForProfileAsync(profileId, Top, null, ct);
            if (own.Count > 0) return own;
        }
        return await popular.ItemsAsync(ct);
    }
}
