namespace Tailor.Analytics.Recommendations;

/// <summary>
/// For each item, its <c>k</c> most similar items by cosine similarity of their columns in the user × item matrix:
/// sim(i, j) = Σ_u r_ui·r_uj / (‖r_i‖·‖r_j‖). Only pairs with at least one user in common (sim &gt; 0) are kept;
/// ties are broken by the lower item index. Stored sparse: <c>k</c> entries per item at most.
/// </summary>
public sealed class ItemNeighbours
{
    private readonly int[] _start;
    private readonly int[] _neighbour;
    private readonly double[] _score;

    private ItemNeighbours(int[] start, int[] neighbour, double[] score)
    {
        _start = start;
        _neighbour = neighbour;
        _score = score;
    }

    public int ItemCount => _start.Length - 1;

    /// <summary>The neighbours of <paramref name="item"/>, most similar first.</summary>
    public ReadOnlySpan<int> Of(int item) => _neighbour.AsSpan(_start[item], _start[item + 1] - _start[item]);

    /// <summary>The similarities matching <see cref="Of(int)"/>.</summary>
    public ReadOnlySpan<double> ScoresOf(int item) => _score.AsSpan(_start[item], _start[item + 1] - _start[item]);

    /// <summary>
    /// Computes the neighbours. Cost Σ_u n_u² (n_u = items of user u) with one dense accumulator per thread; items are
    /// independent, so the work is spread over the cores and the result does not depend on the split.
    /// </summary>
    public static ItemNeighbours Compute(InteractionMatrix matrix, int k, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var items = matrix.ItemCount;
        var norms = new double[items];
        for (var i = 0; i < items; i++)
        {
            var sum = 0.0;
            foreach (var v in matrix.ItemValuesOf(i)) sum += v * v;
            norms[i] = Math.Sqrt(sum);
        }
        var lists = new ScoredItem[items][];
        Parallel.For(0, items, new ParallelOptions { CancellationToken = ct }, () => (Dots: new double[items], Touched: new List<int>()), (i, _, local) =>
        {
            var (dots, touched) = local;
            var users = matrix.UsersOf(i);
            var values = matrix.ItemValuesOf(i);
            for (var a = 0; a < users.Length; a++)
            {
                var u = users[a];
                var ru = values[a];
                var userItems = matrix.ItemsOf(u);
                var userValues = matrix.ValuesOf(u);
                for (var b = 0; b < userItems.Length; b++)
                {
                    var j = userItems[b];
                    if (j == i) continue;
                    if (dots[j] == 0) touched.Add(j);
                    dots[j] += ru * userValues[b];
                }
            }
            foreach (var j in touched) dots[j] /= norms[i] * norms[j];
            lists[i] = TopItems.Select(dots, k);
            foreach (var j in touched) dots[j] = 0;
            touched.Clear();
            return local;
        }, _ => { });
        return FromLists(lists);
    }

    /// <summary>Builds from per-item lists already ordered best first (e.g. read back from storage).</summary>
    public static ItemNeighbours FromLists(IReadOnlyList<ScoredItem[]> lists)
    {
        var start = new int[lists.Count + 1];
        for (var i = 0; i < lists.Count; i++) start[i + 1] = start[i] + lists[i].Length;
        var neighbour = new int[start[^1]];
        var score = new double[start[^1]];
        for (var i = 0; i < lists.Count; i++)
            for (var n = 0; n < lists[i].Length; n++)
            {
                neighbour[start[i] + n] = lists[i][n].Item;
                score[start[i] + n] = lists[i][n].Score;
            }
        return new ItemNeighbours(start, neighbour, score);
    }
}
