namespace Tailor.Analytics.Propensity;

/// <summary>The ROC curve's corner points (false positive rate, true positive rate), one per distinct score, from (0, 0) to (1, 1).</summary>
public static class RocCurve
{
    /// <summary>The points, thresholds descending; tied scores move both rates at once.</summary>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) Points(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var n = labels.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
        double positives = labels.Count(l => l), negatives = n - positives;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        double tp = 0, fp = 0;
        for (var k = 0; k < n; k++)
        {
            if (labels[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }
            if (k == n - 1 || scores[order[k + 1]] != scores[order[k]])
            {
                fpr.Add(negatives == 0 ? 0 : fp / negatives);
                tpr.Add(positives == 0 ? 0 : tp / positives);
            }
        }
        return ([.. fpr], [.. tpr]);
    }
}
