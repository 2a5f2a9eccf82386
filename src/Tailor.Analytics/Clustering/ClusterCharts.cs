using Tailor.Analytics.Charts;

namespace Tailor.Analytics.Clustering;

/// <summary>
/// The charts of a clustering run: <c>elbow</c> (WCSS per k), <c>silhouette</c> (silhouette per k), <c>profiles</c>
/// (standardised feature means per cluster) and <c>pca</c> (rows on the first two principal components of the
/// clustered space, one colour per cluster, at most <see cref="MaxPointsPerCluster"/> evenly spaced rows per cluster).
/// </summary>
public static class ClusterCharts
{
    /// <summary>Most points drawn per cluster in the PCA scatter, so the SVG stays small.</summary>
    public const int MaxPointsPerCluster = 1_000;

    /// <summary>Every chart of <paramref name="result"/> (the PCA scatter only when there are at least two dimensions).</summary>
    public static IReadOnlyList<Chart> All(ClusterAnalysisResult result)
    {
        var ks = result.Evaluations.Select(e => (double)e.K).ToArray();
        var charts = new List<Chart>
        {
            ChartRenderer.Line("elbow", new ChartText("Elbow: within-cluster sum of squares", "number of clusters (k)", "within-cluster sum of squares"),
                [new ChartSeries("", ks, result.Evaluations.Select(e => e.WithinClusterSumOfSquares).ToArray())]),
            ChartRenderer.Line("silhouette", new ChartText(Sampled(result) ? "Silhouette per k (sampled)" : "Silhouette per k", "number of clusters (k)", "mean silhouette"),
                [new ChartSeries("", ks, result.Evaluations.Select(e => double.IsNaN(e.Silhouette.Score) ? 0 : e.Silhouette.Score).ToArray())]),
            ChartRenderer.Bar("profiles", new ChartText($"Cluster profiles (k = {result.K})", "feature", "standardised mean (sd from the overall mean)"),
                result.Features, result.Profiles.Select(p => new BarGroup($"{p.Name} ({p.Size})", p.StandardizedMeans)).ToArray()),
        };
        if (result.Clustered.Columns >= 2)
        {
            charts.Add(PcaScatter(result));
        }
        return charts;
    }

    private static bool Sampled(ClusterAnalysisResult result) => result.Evaluations.Any(e => e.Silhouette.Sampled);

    private static Chart PcaScatter(ClusterAnalysisResult result)
    {
        var pca = PrincipalComponents.Fit(result.Clustered, 2);
        var scores = pca.Project(result.Clustered);
        var series = new List<ChartSeries>();
        foreach (var profile in result.Profiles)
        {
            int stride = Math.Max(1, (profile.Size + MaxPointsPerCluster - 1) / MaxPointsPerCluster);
            var xs = new List<double>();
            var ys = new List<double>();
            int seen = 0;
            for (int i = 0; i < result.Labels.Length; i++)
            {
                if (result.Labels[i] == profile.Cluster && seen++ % stride == 0)
                {
                    xs.Add(scores[i, 0]);
                    ys.Add(scores[i, 1]);
                }
            }
            series.Add(new ChartSeries(profile.Name, xs, ys));
        }
        string Axis(int c) => $"principal component {c + 1} ({pca.ExplainedVarianceRatio[c]:P1} of variance)";
        return ChartRenderer.Scatter("pca", new ChartText("Clusters on the first two principal components", Axis(0), Axis(1)), series);
    }
}
