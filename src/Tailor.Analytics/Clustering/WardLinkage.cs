namespace Tailor.Analytics.Clustering;

/// <summary>
/// Hierarchical agglomerative clustering with Ward linkage: the tree of merges that each time joins the two clusters
/// whose union increases the within-cluster sum of squares least. Built with the nearest-neighbour chain on cluster
/// means and sizes (Ward's cost needs nothing else), so memory is O(n·d) and time O(n²·d); bounded to
/// <see cref="ClusteringLimits.WardMaxRows"/> rows.
/// </summary>
public sealed class WardLinkage
{
    private WardLinkage(int rows, WardMerge[] merges)
    {
        Rows = rows;
        Merges = merges;
    }

    /// <summary>Number of rows clustered.</summary>
    public int Rows { get; }

    /// <summary>The n − 1 merges in increasing height, numbered as scipy numbers them.</summary>
    public IReadOnlyList<WardMerge> Merges { get; }

    /// <summary>Builds the tree over every row of <paramref name="matrix"/>.</summary>
    public static WardLinkage Fit(FeatureMatrix matrix, CancellationToken cancellationToken = default)
    {
        int n = matrix.Rows, d = matrix.Columns;
        if (n > ClusteringLimits.WardMaxRows)
        {
            throw new ArgumentException($"Ward linkage is limited to {ClusteringLimits.WardMaxRows} rows (it costs O(n²)); this set has {n}: use k-means");
        }
        if (n < 2)
        {
            throw new ArgumentException("Ward linkage needs at least two rows", nameof(matrix));
        }
        var means = (double[])matrix.Data.Clone();
        var sizes = new int[n];
        Array.Fill(sizes, 1);
        // Active clusters are kept in a dense list so the nearest-neighbour search touches only live slots.
        var active = new int[n];
        var position = new int[n];
        for (int i = 0; i < n; i++)
        {
            active[i] = i;
            position[i] = i;
        }
        int activeCount = n;
        var chain = new int[n];
        int chainLength = 0;
        var raw = new (int A, int B, double Cost, int Size)[n - 1];
        for (int m = 0; m < n - 1; m++)
        {
            if ((m & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (chainLength == 0)
            {
                chain[chainLength++] = active[0];
            }
            int a, b;
            double cost;
            while (true)
            {
                a = chain[chainLength - 1];
                int previous = chainLength > 1 ? chain[chainLength - 2] : -1;
                // Start from the previous link so a tie keeps it, which is what makes the chain end in a reciprocal pair.
                b = previous;
                cost = previous >= 0 ? Cost(means, sizes, a, previous, d) : double.PositiveInfinity;
                for (int s = 0; s < activeCount; s++)
                {
                    int c = active[s];
                    if (c == a)
                    {
                        continue;
                    }
                    double candidate = Cost(means, sizes, a, c, d);
                    if (candidate < cost)
                    {
                        cost = candidate;
                        b = c;
                    }
                }
                if (b == previous)
                {
                    break;
                }
                chain[chainLength++] = b;
            }
            chainLength -= 2;
            // Merge b into a's slot; a slot stands for the cluster scipy would number by the original row of its slot.
            int size = sizes[a] + sizes[b];
            raw[m] = (a, b, cost, size);
            for (int f = 0; f < d; f++)
            {
                means[a * d + f] = (sizes[a] * means[a * d + f] + sizes[b] * means[b * d + f]) / size;
            }
            sizes[a] = size;
            int removed = position[b];
            active[removed] = active[--activeCount];
            position[active[removed]] = removed;
        }
        return new WardLinkage(n, Label(n, raw));
    }

    /// <summary>Cuts the tree into <paramref name="k"/> clusters (undoing the k − 1 highest merges); labels are 0 … k−1 in order of each cluster's first row.</summary>
    public int[] Cut(int k)
    {
        if (k < 1 || k > Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"must be between 1 and the number of rows ({Rows})");
        }
        var parent = new int[2 * Rows - 1];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }
        for (int m = 0; m < Rows - k; m++)
        {
            parent[Find(parent, Merges[m].Left)] = Rows + m;
            parent[Find(parent, Merges[m].Right)] = Rows + m;
        }
        var labels = new int[Rows];
        var names = new Dictionary<int, int>();
        for (int i = 0; i < Rows; i++)
        {
            int root = Find(parent, i);
            if (!names.TryGetValue(root, out int label))
            {
                label = names.Count;
                names[root] = label;
            }
            labels[i] = label;
        }
        return labels;
    }

    private static double Cost(double[] means, int[] sizes, int a, int b, int d)
    {
        double distance = KMeans.Distance2(means, a * d, means, b * d, d);
        return (double)sizes[a] * sizes[b] / (sizes[a] + sizes[b]) * distance;
    }

    // scipy's order: merges sorted by height (stable), then cluster ids given in that order with a union-find over slots.
    private static WardMerge[] Label(int n, (int A, int B, double Cost, int Size)[] raw)
    {
        var order = Enumerable.Range(0, raw.Length).OrderBy(i => raw[i].Cost).ToArray();
        var parent = new int[n];
        var clusterOf = new int[n];
        for (int i = 0; i < n; i++)
        {
            parent[i] = i;
            clusterOf[i] = i;
        }
        var merges = new WardMerge[raw.Length];
        for (int m = 0; m < order.Length; m++)
        {
            var (a, b, cost, _) = raw[order[m]];
            int ra = Find(parent, a), rb = Find(parent, b);
            int left = clusterOf[ra], right = clusterOf[rb];
            parent[rb] = ra;
            clusterOf[ra] = n + m;
            merges[m] = new WardMerge(Math.Min(left, right), Math.Max(left, right), Math.Sqrt(2 * cost), raw[order[m]].Size);
        }
        return merges;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
