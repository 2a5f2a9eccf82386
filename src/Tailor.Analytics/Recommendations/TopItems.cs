namespace Tailor.Analytics.Recommendations;

/// <summary>Picks the best <c>n</c> items from a score vector: highest score first, ties by lower item index (so results are reproducible).</summary>
public static class TopItems
{
    /// <summary>
    /// The top <paramref name="n"/> items with a score above 0, skipping <paramref name="exclude"/> (e.g. items already
    /// bought; any order) and items <paramref name="allow"/> refuses (e.g. another category).
    /// </summary>
    public static ScoredItem[] Select(ReadOnlySpan<double> scores, int n, ReadOnlySpan<int> exclude = default, Func<int, bool>? allow = null)
    {
        if (n <= 0) return [];
        var skip = exclude.Length == 0 ? null : new HashSet<int>(exclude.ToArray());
        // A min-heap of the best n so far: O(items · log n), no sort of the whole catalogue.
        var heap = new ScoredItem[n];
        var size = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (!(s > 0)) continue;
            if (size == n && !Better(s, i, heap[0])) continue;
            if (skip is not null && skip.Contains(i)) continue;
            if (allow is not null && !allow(i)) continue;
            var item = new ScoredItem(i, s);
            if (size < n) { heap[size] = item; SiftUp(heap, size++); }
            else { heap[0] = item; SiftDown(heap, size); }
        }
        var result = heap.AsSpan(0, size).ToArray();
        Array.Sort(result, static (a, b) => Better(a.Score, a.Item, b) ? -1 : Better(b.Score, b.Item, a) ? 1 : 0);
        return result;
    }

    private static bool Better(double score, int item, ScoredItem than) => score > than.Score || (score == than.Score && item < than.Item);

    private static void SiftUp(ScoredItem[] heap, int at)
    {
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (!Better(heap[parent].Score, heap[parent].Item, heap[at])) break;
            (heap[parent], heap[at]) = (heap[at], heap[parent]);
            at = parent;
        }
    }

    private static void SiftDown(ScoredItem[] heap, int size)
    {
        var at = 0;
        while (true)
        {
            var worst = at;
            var l = 2 * at + 1;
            var r = l + 1;
            if (l < size && Better(heap[worst].Score, heap[worst].Item, heap[l])) worst = l;
            if (r < size && Better(heap[worst].Score, heap[worst].Item, heap[r])) worst = r;
            if (worst == at) return;
            (heap[worst], heap[at]) = (heap[at], heap[worst]);
            at = worst;
        }
    }
}
