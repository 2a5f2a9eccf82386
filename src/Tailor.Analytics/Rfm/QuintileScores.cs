namespace Tailor.Analytics.Rfm;

/// <summary>
/// Rank-based quintile scores, the same as pandas' <c>qcut(values.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])</c>:
/// values are ranked 1…n ascending, equal values in the order they are given (the first gets the lower rank), and rank
/// r falls in bin <c>max(1, ⌈5(r − 1)/(n − 1)⌉)</c>, the bin whose right-closed quantile interval of the ranks holds it.
/// Ties therefore never make bins collapse, every bin gets n/5 customers ±1, and with fewer than five customers some
/// bins stay empty (n = 2: bins 1 and 5; n = 3: 1, 3, 5; n = 4: 1, 2, 4, 5). A single value gets bin 1 (pandas refuses it).
/// </summary>
public static class QuintileScores
{
    /// <summary>The bin 1…5 of each value, in the order given.</summary>
    public static int[] Of(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        // Sorting by (value, position) keeps equal values in their given order: rank(method="first").
        var stable = new (double Value, int Index)[n];
        for (var i = 0; i < n; i++)
        {
            stable[i] = (values[i], i);
        }
        Array.Sort(stable, (x, y) => x.Value != y.Value ? x.Value.CompareTo(y.Value) : x.Index.CompareTo(y.Index));
        var bins = new int[n];
        for (var rank = 1; rank <= n; rank++)
        {
            bins[stable[rank - 1].Index] = BinOfRank(rank, n);
        }
        return bins;
    }

    /// <summary>The bin of rank <paramref name="rank"/> (1-based) among <paramref name="n"/>, in exact integer arithmetic.</summary>
    public static int BinOfRank(int rank, int n)
    {
        if (n <= 1)
        {
            return 1;
        }
        var numerator = 5L * (rank - 1);
        var bin = (int)((numerator + n - 2) / (n - 1)); // ceiling of 5(r − 1)/(n − 1)
        return Math.Max(1, bin);
    }
}
