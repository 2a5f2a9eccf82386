namespace Tailor.Analytics.Recommendations;

/// <summary>
/// What is served to one user: the model's best items with a score above 0 that the user has not interacted with and
/// that <c>allow</c> accepts, completed, when the model has fewer than n, by the next fallbacks in order (the
/// content-based scores, then popularity). The offline evaluation scores exactly these lists. <c>exclude</c> overrides
/// what the user "has" (default: every item of their row; serving passes the items bought).
/// </summary>
public static class Recommend
{
    public static ScoredItem[] ForUser(int user, int n, InteractionMatrix matrix, IReadOnlyList<IRecommender> chain, Span<double> scratch, Func<int, bool>? allow = null, int[]? exclude = null)
    {
        var result = new List<ScoredItem>(n);
        ReadOnlySpan<int> owned = exclude ?? matrix.ItemsOf(user);
        var taken = new HashSet<int>();
        foreach (var model in chain)
        {
            if (result.Count >= n) break;
            model.Score(user, scratch);
            foreach (var item in TopItems.Select(scratch, n, owned, allow))
            {
                if (result.Count >= n) break;
                if (taken.Add(item.Item)) result.Add(item);
            }
        }
        return [.. result];
    }
}
