using System.Text.Json;
using Tailor.Analytics.Clustering;

namespace Tailor.Application.Analytics.Clustering;

/// <summary>The figures of a clustering run as the JSON a person reads (the stored result, the API, <c>--json</c>), the same for the store and for a user's CSV.</summary>
public static class ClusterSummary
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static JsonElement ToJson(ClusterAnalysisResult analysis, long skippedProfiles, IReadOnlyList<PublishedSegment>? published = null)
    {
        var o = analysis.Options;
        var features = analysis.Features;
        return JsonSerializer.SerializeToElement(new
        {
            rows = analysis.Labels.Length,
            skippedProfiles,
            features,
            transform = o.Transform.ToString().ToLowerInvariant(),
            scaling = o.Scaling.ToString().ToLowerInvariant(),
            method = o.Method.ToString().ToLowerInvariant(),
            restarts = o.Method == ClusterMethod.KMeans ? o.Restarts : (int?)null,
            seed = o.Seed,
            pca = analysis.Pca is { } pca ? new { explainedVarianceRatio = pca.ExplainedVarianceRatio, components = pca.Components } : null,
            evaluations = analysis.Evaluations.Select(e => new
            {
                k = e.K,
                withinClusterSumOfSquares = e.WithinClusterSumOfSquares,
                silhouette = double.IsNaN(e.Silhouette.Score) ? (double?)null : e.Silhouette.Score,
                silhouetteRows = e.Silhouette.RowsUsed,
                silhouetteSampled = e.Silhouette.Sampled,
            }),
            suggestion = new { k = analysis.Suggestion.K, elbowK = analysis.Suggestion.ElbowK, reason = analysis.Suggestion.Reason },
            k = analysis.K,
            clusters = analysis.Profiles.Select(p => new
            {
                cluster = p.Cluster,
                name = p.Name,
                size = p.Size,
                share = p.Share,
                means = features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => p.Means[x.i]),
                standardizedMeans = features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => p.StandardizedMeans[x.i]),
            }),
            overallMeans = features.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => analysis.OverallMeans[x.i]),
            segments = published,
        }, Json);
    }
}
