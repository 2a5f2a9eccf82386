namespace Tailor.Analytics.Propensity;

/// <summary>Metrics of scores against binary labels, defined as scikit-learn defines them (and checked against it).</summary>
public static class BinaryMetrics
{
    /// <summary>The clip applied to probabilities before taking logs in <see cref="LogLoss"/>: the machine epsilon of a double, as scikit-learn 1.2's <c>eps="auto"</c>.</summary>
    public const double LogLossEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
    /// one half (the Mann–Whitney statistic with average ranks, equal to scikit-learn's <c>roc_auc_score</c>).
    /// NaN when only one class is present.
    /// </summary>
    public static double Auc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var n = labels.Count;
        var order = new int[n];
        var keys = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = scores[i];
        }
        Array.Sort(keys, order);
        double positives = 0, rankSum = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && keys[end + 1] == keys[start])
            {
                end++;
            }
            var averageRank = ((start + end) / 2.0) + 1; // ranks are 1-based; tied scores share their average rank
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    positives++;
                    rankSum += averageRank;
                }
            }
            start = end + 1;
        }
        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }
        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    /// <summary>Mean negative log-likelihood of the labels under the probabilities, each clipped to [ε, 1 − ε] with ε = 2⁻⁵² (natural log).</summary>
    public static double LogLoss(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities)
    {
        double sum = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return labels.Count == 0 ? double.NaN : sum / labels.Count;
    }
}
