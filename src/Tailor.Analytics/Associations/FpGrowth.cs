namespace Tailor.Analytics.Associations;

/// <summary>
/// Frequent itemsets by FP-Growth (Han, Pei, Yin 2000): one pass counts items, a second builds the FP-tree of each
/// basket's frequent items in descending frequency, then each item's conditional pattern base is mined recursively —
/// no candidate generation. An itemset is frequent when count / baskets ≥ min support.
/// </summary>
public static class FpGrowth
{
    public static List<FrequentItemset> Mine(IReadOnlyList<IReadOnlyCollection<string>> baskets, double minSupport, int maxLength, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minSupport);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var transactions = new List<(int[] Items, int Count)>(baskets.Count);
        foreach (var basket in baskets)
        {
            var items = new HashSet<int>();
            foreach (var name in basket)
            {
                if (!ids.TryGetValue(name, out var id)) { ids[name] = id = names.Count; names.Add(name); }
                items.Add(id);
            }
            if (items.Count > 0) transactions.Add(([.. items], 1));
        }
        // The smallest count that meets the share, computed without rounding surprises (count ≥ minSupport · N).
        var minCount = Math.Max(1, (int)Math.Ceiling(minSupport * baskets.Count - 1e-9));
        var found = new List<(int[] Items, int Count)>();
        Grow(transactions, [], minCount, maxLength, found, ct);
        var result = new List<FrequentItemset>(found.Count);
        foreach (var (items, count) in found)
        {
            var itemNames = items.Select(i => names[i]).Order(StringComparer.Ordinal).ToArray();
            result.Add(new FrequentItemset(itemNames, count, count / (double)baskets.Count));
        }
        return result;
    }

    private static void Grow(List<(int[] Items, int Count)> transactions, int[] suffix, int minCount, int maxLength, List<(int[] Items, int Count)> found, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var counts = new Dictionary<int, int>();
        foreach (var (items, count) in transactions)
            foreach (var i in items) counts[i] = counts.GetValueOrDefault(i) + count;
        var frequent = counts.Where(c => c.Value >= minCount).OrderByDescending(c => c.Value).ThenBy(c => c.Key).Select(c => c.Key).ToArray();
        if (frequent.Length == 0) return;
        var rank = new Dictionary<int, int>(frequent.Length);
        for (var r = 0; r < frequent.Length; r++) rank[frequent[r]] = r;

        // The FP-tree: shared prefixes of the baskets' frequent items in rank order, each node counting the baskets through it.
        var root = new Node(-1, null);
        var header = new List<Node>[frequent.Length];
        for (var r = 0; r < frequent.Length; r++) header[r] = [];
        var path = new List<int>();
        foreach (var (items, count) in transactions)
        {
            path.Clear();
            foreach (var i in items) if (rank.TryGetValue(i, out var r)) path.Add(r);
            path.Sort();
            var node = root;
            foreach (var r in path)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(r, out var child))
                {
                    node.Children[r] = child = new Node(r, node);
                    header[r].Add(child);
                }
                child.Count += count;
                node = child;
            }
        }

        // Least frequent first: each item's itemset, then its conditional pattern base (the prefix paths above its nodes).
        for (var r = frequent.Length - 1; r >= 0; r--)
        {
            var itemset = new int[suffix.Length + 1];
            suffix.CopyTo(itemset, 0);
            itemset[^1] = frequent[r];
            found.Add((itemset, counts[frequent[r]]));
            if (found.Count > RuleOptions.MaxItemsets)
                throw new InvalidOperationException($"more than {RuleOptions.MaxItemsets} frequent itemsets: raise the minimum support or lower the maximum rule length");
            if (itemset.Length >= maxLength) continue;
            var conditional = new List<(int[] Items, int Count)>();
            foreach (var node in header[r])
            {
                var prefix = new List<int>();
                for (var p = node.Parent; p is { Rank: >= 0 }; p = p.Parent) prefix.Add(frequent[p.Rank]);
                if (prefix.Count > 0) conditional.Add(([.. prefix], node.Count));
            }
            if (conditional.Count > 0) Grow(conditional, itemset, minCount, maxLength, found, ct);
        }
    }

    private sealed class Node(int rank, Node? parent)
    {
        public int Rank { get; } = rank;
        public Node? Parent { get; } = parent;
        public int Count { get; set; }
        public Dictionary<int, Node>? Children { get; set; }
    }
}
