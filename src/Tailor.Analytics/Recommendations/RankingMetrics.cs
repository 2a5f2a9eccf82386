namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Top-k metrics of one ranked list against a set of relevant items (binary relevance). With hits the relevant items
/// among the first k: precision@k = hits / k (k even when the list is shorter), recall@k = hits / |relevant|,
/// NDCG@k = DCG / IDCG with DCG = Σ_{rank r ≤ k, item relevant} 1 / log2(r + 1) and IDCG the same for a list that
/// puts min(|relevant|, k) relevant items first (the log2 discount of Järvelin and Kekäläinen, as scikit-learn's ndcg_score).
/// </summary>
public static class RankingMetrics
{
    public static double Precision<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k) => Hits(ranked, relevant, k) / (double)k;

    public static double Recall<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k) =>
        relevant.Count == 0 ? 0 : Hits(ranked, relevant, k) / (double)relevant.Count;

    public static double Ndcg<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        if (relevant.Count == 0) return 0;
        var dcg = 0.0;
        for (var r = 0; r < Math.Min(k, ranked.Count); r++)
            if (relevant.Contains(ranked[r])) dcg += 1 / Math.Log2(r + 2);
        var ideal = 0.0;
        for (var r = 0; r < Math.Min(k, relevant.Count); r++) ideal += 1 / Math.Log2(r + 2);
        return dcg / ideal;
    }

    private static int Hits<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        var hits = 0;
        for (var r = 0; r < Math.Min(k, ranked.Count); r++)
            if (relevant.Contains(ranked[r])) hits++;
        return hits;
    }
}
