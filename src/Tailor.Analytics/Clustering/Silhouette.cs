namespace Tailor.Analytics.Clustering;

/// <summary>
/// The silhouette coefficient, as scikit-learn's <c>silhouette_score</c> with the Euclidean distance: for each row,
/// a = mean distance to the other rows of its cluster, b = the smallest mean distance to the rows of another cluster,
/// s = (b − a) / max(a, b), and s = 0 for a row alone in its cluster; the score is the mean of s. Exact (O(n²·d)) up to
/// <see cref="ClusteringLimits.SilhouetteExactRows"/> rows; above, computed among a uniform sample of that many rows
/// drawn without replacement with the given seed (as scikit-learn's <c>sample_size</c>), and the result says so.
/// </summary>
public static class Silhouette
{
    /// <summary>Scores <paramref name="labels"/> (0 … <paramref name="k"/>−1, one per row of <paramref name="matrix"/>).</summary>
    public static SilhouetteResult Score(FeatureMatrix matrix, int[] labels, int k, int seed = 0, int exactRows = ClusteringLimits.SilhouetteExactRows, CancellationToken cancellationToken = default)
    {
        int n = matrix.Rows, d = matrix.Columns;
        if (labels.Length != n)
        {
            throw new ArgumentException($"{labels.Length} labels for {n} rows", nameof(labels));
        }
        int[] rows;
        bool sampled = n > exactRows;
        if (sampled)
        {
            // A partial Fisher–Yates shuffle: the first exactRows slots are a uniform sample without replacement.
            var all = new int[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = i;
            }
            var random = new Random(seed);
            for (int i = 0; i < exactRows; i++)
            {
                int j = random.Next(i, n);
                (all[i], all[j]) = (all[j], all[i]);
            }
            rows = all[..exactRows];
        }
        else
        {
            rows = new int[n];
            for (int i = 0; i < n; i++)
            {
                rows[i] = i;
            }
        }
        int m = rows.Length;
        var data = matrix.Data;
        var label = new int[m];
        var sizes = new int[k];
        for (int i = 0; i < m; i++)
        {
            label[i] = labels[rows[i]];
            if ((uint)label[i] >= (uint)k)
            {
                throw new ArgumentException($"label {label[i]} of row {rows[i]} is outside 0 … {k - 1}", nameof(labels));
            }
            sizes[label[i]]++;
        }
        int present = 0;
        foreach (int size in sizes)
        {
            present += size > 0 ? 1 : 0;
        }
        if (present < 2)
        {
            return new SilhouetteResult(double.NaN, m, sampled, sampled ? seed : null);
        }
        // Rows gathered into one contiguous block so the O(m²) loop reads memory in order.
        var points = new double[m * d];
        for (int i = 0; i < m; i++)
        {
            Array.Copy(data, rows[i] * d, points, i * d, d);
        }
        var coefficient = new double[m];
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, m, options, () => new double[k], (i, _, sums) =>
        {
            Array.Clear(sums);
            for (int j = 0; j < m; j++)
            {
                sums[label[j]] += Math.Sqrt(KMeans.Distance2(points, i * d, points, j * d, d));
            }
            int own = label[i];
            if (sizes[own] == 1)
            {
                coefficient[i] = 0;
                return sums;
            }
            double a = sums[own] / (sizes[own] - 1);
            double b = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                if (c != own && sizes[c] > 0)
                {
                    b = Math.Min(b, sums[c] / sizes[c]);
                }
            }
            double max = Math.Max(a, b);
            coefficient[i] = max > 0 ? (b - a) / max : 0;
            return sums;
        }, _ => { });
        double total = 0;
        foreach (double s in coefficient)
        {
            total += s;
        }
        return new SilhouetteResult(total / m, m, sampled, sampled ? seed : null);
    }
}
