using System.Diagnostics;

namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Trains each model on the training part of a <see cref="HoldoutSplit"/>, serves every evaluated user a top-k list
/// (<see cref="Recommend.ForUser"/>: the model, completed by popularity) and averages <see cref="RankingMetrics"/>
/// over them; catalogue coverage is the share of training items that appear in at least one list. The model with the
/// highest NDCG@k wins (ties: higher precision, then the order given); a model that does not beat the popularity
/// baseline's NDCG@k does not win over it.
/// </summary>
public static class OfflineEvaluation
{
    public const int DefaultK = 10;

    /// <param name="report">Progress: the stage (e.g. "training ease") and the fraction done (0…1).</param>
    public static EvaluationReport Run(
        IReadOnlyList<Interaction> interactions,
        IReadOnlyList<string> models,
        RecommenderSettings settings,
        int k = DefaultK,
        double fraction = HoldoutSplit.DefaultFraction,
        int minInteractions = HoldoutSplit.DefaultMinInteractions,
        Action<string, double>? report = null,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        report?.Invoke("splitting", 0);
        var split = HoldoutSplit.Of(interactions, fraction, minInteractions);
        var matrix = InteractionMatrix.From(split.Train);
        var popularity = new PopularityRecommender(matrix);
        var candidates = models.Contains("popularity") ? models : ["popularity", .. models];
        var evaluated = split.Relevant.Keys.Where(u => matrix.IndexOfUser(u) >= 0).ToList();
        var scores = new List<ModelScores>();
        for (var m = 0; m < candidates.Count; m++)
        {
            var name = candidates[m];
            report?.Invoke($"training {name}", (double)m / candidates.Count);
            var watch = Stopwatch.StartNew();
            var model = name == "popularity" ? popularity : settings.Train(name, matrix, ct);
            var trainSeconds = watch.Elapsed.TotalSeconds;
            report?.Invoke($"scoring {name}", (m + 0.5) / candidates.Count);
            scores.Add(Score(name, model, popularity, matrix, split, evaluated, k, trainSeconds, ct));
        }
        report?.Invoke("done", 1);
        var (winner, reason) = Choose(scores);
        return new EvaluationReport(k, matrix.UserCount, evaluated.Count, matrix.ItemCount, split.Train.Count, split.HeldOut, scores, winner, reason);
    }

    private static ModelScores Score(string name, IRecommender model, PopularityRecommender popularity, InteractionMatrix matrix, HoldoutSplit split, List<string> users, int k, double trainSeconds, CancellationToken ct)
    {
        IReadOnlyList<IRecommender> chain = model == popularity ? [popularity] : [model, popularity];
        var precision = new double[users.Count];
        var recall = new double[users.Count];
        var ndcg = new double[users.Count];
        var recommended = new bool[matrix.ItemCount];
        Parallel.For(0, users.Count, new ParallelOptions { CancellationToken = ct }, () => new double[matrix.ItemCount], (n, _, scratch) =>
        {
            var user = matrix.IndexOfUser(users[n]);
            var list = Recommend.ForUser(user, k, matrix, chain, scratch);
            var ids = new string[list.Length];
            for (var r = 0; r < list.Length; r++)
            {
                ids[r] = matrix.Items[list[r].Item];
                recommended[list[r].Item] = true; // benign race: every writer writes true
            }
            var relevant = split.Relevant[users[n]];
            precision[n] = RankingMetrics.Precision(ids, relevant, k);
            recall[n] = RankingMetrics.Recall(ids, relevant, k);
            ndcg[n] = RankingMetrics.Ndcg(ids, relevant, k);
            return scratch;
        }, _ => { });
        var covered = recommended.Count(r => r);
        return new ModelScores(name, Mean(precision), Mean(recall), Mean(ndcg), matrix.ItemCount == 0 ? 0 : covered / (double)matrix.ItemCount, trainSeconds);
    }

    internal static (string Winner, string Reason) Choose(IReadOnlyList<ModelScores> scores)
    {
        var baseline = scores.First(s => s.Model == "popularity");
        var best = baseline;
        foreach (var s in scores)
            if (s.Ndcg > best.Ndcg || (s.Ndcg == best.Ndcg && s.Precision > best.Precision)) best = s;
        var others = string.Join(", ", scores.Where(s => s != best).Select(s => $"{s.Model} {s.Ndcg:0.0000}"));
        return best == baseline
            ? ("popularity", $"no model beat the popularity baseline's NDCG@k ({baseline.Ndcg:0.0000}; {others})")
            : (best.Model, $"highest NDCG@k: {best.Ndcg:0.0000} against {others}");
    }

    private static double Mean(double[] values) => values.Length == 0 ? 0 : values.Average();
}
