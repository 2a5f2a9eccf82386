using Tailor.Analytics.Clustering;

namespace Tailor.Application.Analytics.Clustering;

/// <summary>
/// What a <c>cluster</c> run is asked to do (JSON, camelCase; absent members keep these defaults).
/// </summary>
/// <param name="Traits">Profile traits used as features (numbers, or strings holding numbers).</param>
/// <param name="Computed">Computed traits used as features: any name segment rules compare (<c>orderCount</c>, <c>totalRevenue</c>, …) plus <c>daysSinceLastOrder</c> and <c>daysSinceLastSeen</c> (whole days to the run's as-of moment).</param>
/// <param name="K">A fixed number of clusters; when set, <paramref name="MinK"/> and <paramref name="MaxK"/> are ignored.</param>
/// <param name="Publish">Create or update one segment per cluster, with the rule <c>trait cluster = "&lt;name&gt;"</c>.</param>
/// <param name="ParentSegment">Name or id of the segment the published ones are nested under.</param>
/// <param name="MinSize">Clusters smaller than this are not published; also the published segments' minimum size.</param>
/// <param name="SegmentPrefix">Published segments are named prefix + cluster name.</param>
public sealed record ClusterParameters(
    string[]? Traits = null,
    string[]? Computed = null,
    FeatureTransform Transform = FeatureTransform.None,
    FeatureScaling Scaling = FeatureScaling.ZScore,
    int? Pca = null,
    int? K = null,
    int MinK = 2,
    int MaxK = 8,
    ClusterMethod Method = ClusterMethod.KMeans,
    int Restarts = 10,
    int Seed = 0,
    double Tolerance = 1e-4,
    int MaxIterations = 300,
    bool Publish = false,
    string? ParentSegment = null,
    int MinSize = 50,
    string SegmentPrefix = "Cluster: ")
{
    /// <summary>Computed features derived from the as-of moment rather than stored.</summary>
    public static readonly IReadOnlyList<string> DerivedComputed = ["daysSinceLastOrder", "daysSinceLastSeen"];

    /// <summary>The features in matrix order: traits, then computed traits.</summary>
    public IReadOnlyList<string> FeatureNames => [.. Traits ?? [], .. Computed ?? []];

    /// <summary>The options of the pure run.</summary>
    public ClusterAnalysisOptions ToOptions() => new()
    {
        Transform = Transform,
        Scaling = Scaling,
        PcaComponents = Pca,
        MinK = K ?? MinK,
        MaxK = K ?? MaxK,
        Method = Method,
        Restarts = Restarts,
        Seed = Seed,
        Tolerance = Tolerance,
        MaxIterations = MaxIterations,
    };
}
