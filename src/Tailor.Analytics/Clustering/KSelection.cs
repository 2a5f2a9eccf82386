using System.Globalization;

namespace Tailor.Analytics.Clustering;

/// <summary>
/// Suggests k from the evaluations of a range. Rule: the highest silhouette wins; every k whose silhouette is within
/// <see cref="Tie"/> of the best counts as a tie, and among ties the smallest k wins (fewer, larger segments). The
/// elbow of the WCSS curve is reported beside it and used only when no silhouette is available (a single k, or every
/// silhouette NaN). Elbow: with k and WCSS each rescaled to [0, 1] over the range, the k farthest below the straight
/// line from the first to the last point (the "kneedle" rule); the smaller k on a tie.
/// </summary>
public static class KSelection
{
    /// <summary>Silhouettes this close to the best are treated as equal.</summary>
    public const double Tie = 0.01;

    /// <summary>Suggests k from <paramref name="evaluations"/> (in increasing k).</summary>
    public static KSuggestion Suggest(IReadOnlyList<KEvaluation> evaluations)
    {
        ArgumentOutOfRangeException.ThrowIfZero(evaluations.Count, nameof(evaluations));
        int? elbow = Elbow(evaluations);
        string elbowText = elbow is int e ? string.Create(CultureInfo.InvariantCulture, $"; the elbow of the within-cluster sum of squares is at k = {e}") : "";
        var scored = evaluations.Where(x => !double.IsNaN(x.Silhouette.Score)).ToList();
        if (evaluations.Count == 1)
        {
            return new KSuggestion(evaluations[0].K, null, string.Create(CultureInfo.InvariantCulture, $"k = {evaluations[0].K} was asked for"));
        }
        if (scored.Count == 0)
        {
            int k = elbow ?? evaluations[0].K;
            return new KSuggestion(k, elbow, string.Create(CultureInfo.InvariantCulture, $"no silhouette could be computed; k = {k} is the elbow of the within-cluster sum of squares"));
        }
        double best = scored.Max(x => x.Silhouette.Score);
        var chosen = scored.Where(x => x.Silhouette.Score >= best - Tie).MinBy(x => x.K)!;
        string reason = chosen.Silhouette.Score >= best
            ? string.Create(CultureInfo.InvariantCulture, $"k = {chosen.K} has the highest silhouette ({chosen.Silhouette.Score:F4})")
            : string.Create(CultureInfo.InvariantCulture, $"k = {chosen.K} is the smallest k whose silhouette ({chosen.Silhouette.Score:F4}) is within {Tie} of the highest ({best:F4})");
        if (chosen.Silhouette.Sampled)
        {
            reason += string.Create(CultureInfo.InvariantCulture, $" (silhouette on a sample of {chosen.Silhouette.RowsUsed} rows, seed {chosen.Silhouette.SampleSeed})");
        }
        return new KSuggestion(chosen.K, elbow, reason + elbowText);
    }

    /// <summary>The elbow of the WCSS curve, or null with fewer than three k or a flat curve.</summary>
    public static int? Elbow(IReadOnlyList<KEvaluation> evaluations)
    {
        if (evaluations.Count < 3)
        {
            return null;
        }
        var first = evaluations[0];
        var last = evaluations[^1];
        double kSpan = last.K - first.K;
        double wMax = evaluations.Max(x => x.WithinClusterSumOfSquares);
        double wMin = evaluations.Min(x => x.WithinClusterSumOfSquares);
        if (wMax - wMin <= 0)
        {
            return null;
        }
        double Y(KEvaluation x) => (x.WithinClusterSumOfSquares - wMin) / (wMax - wMin);
        double X(KEvaluation x) => (x.K - first.K) / kSpan;
        double y0 = Y(first), y1 = Y(last);
        int? elbow = null;
        double farthest = 0;
        foreach (var evaluation in evaluations)
        {
            // Distance below the chord, measured vertically (the chord's slope is the same for every point).
            double below = y0 + (y1 - y0) * X(evaluation) - Y(evaluation);
            if (below > farthest + 1e-12)
            {
                farthest = below;
                elbow = evaluation.K;
            }
        }
        return elbow;
    }
}
