namespace Tailor.Analytics.Clustering;

/// <summary>
/// Everything a clustering run is asked to do. Defaults: no transform, z-score scaling, no PCA, k-means over k = 2 … 8
/// with 10 restarts, seed 0, tolerance 1e-4 (relative), 300 iterations; silhouette exact up to 5,000 rows.
/// </summary>
public sealed record ClusterAnalysisOptions
{
    /// <summary>Transform applied to every feature first.</summary>
    public FeatureTransform Transform { get; init; } = FeatureTransform.None;

    /// <summary>Scaling applied after the transform.</summary>
    public FeatureScaling Scaling { get; init; } = FeatureScaling.ZScore;

    /// <summary>When set, the rows are projected on this many principal components before clustering.</summary>
    public int? PcaComponents { get; init; }

    /// <summary>Smallest k tried.</summary>
    public int MinK { get; init; } = 2;

    /// <summary>Largest k tried; equal to <see cref="MinK"/> for a fixed k.</summary>
    public int MaxK { get; init; } = 8;

    /// <summary>The algorithm.</summary>
    public ClusterMethod Method { get; init; } = ClusterMethod.KMeans;

    /// <summary>k-means restarts per k.</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>Seed of k-means and of the silhouette sample.</summary>
    public int Seed { get; init; }

    /// <summary>k-means relative tolerance (see <see cref="KMeansOptions.Tolerance"/>).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>k-means iterations per restart.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>Up to this many rows the silhouette is exact; above, it uses a seeded sample of this size.</summary>
    public int SilhouetteExactRows { get; init; } = ClusteringLimits.SilhouetteExactRows;

    /// <summary>Refuses parameters outside <see cref="ClusteringLimits"/> or that the data cannot satisfy, naming the parameter.</summary>
    public void Validate(int rows, int features)
    {
        if (MinK < 2 || MaxK > ClusteringLimits.MaxK || MinK > MaxK)
        {
            throw new ArgumentException($"k must be a range within 2 … {ClusteringLimits.MaxK} (got {MinK} … {MaxK})");
        }
        if (MaxK >= rows)
        {
            throw new ArgumentException($"k ({MaxK}) must be below the number of rows ({rows})");
        }
        if (features < 1 || features > ClusteringLimits.MaxFeatures)
        {
            throw new ArgumentException($"features must number between 1 and {ClusteringLimits.MaxFeatures} (got {features})");
        }
        if (PcaComponents is int pca && (pca < 1 || pca > features))
        {
            throw new ArgumentException($"pca must be between 1 and the number of features ({features}); got {pca}");
        }
        if (Method == ClusterMethod.Ward && rows > ClusteringLimits.WardMaxRows)
        {
            throw new ArgumentException($"ward is limited to {ClusteringLimits.WardMaxRows} rows (it costs O(n²)); this set has {rows}: use kmeans");
        }
        if (SilhouetteExactRows < 100 || SilhouetteExactRows > 50_000)
        {
            throw new ArgumentException($"the silhouette sample must be between 100 and 50000 rows (got {SilhouetteExactRows})");
        }
        new KMeansOptions(MaxK) { Restarts = Restarts, Seed = Seed, Tolerance = Tolerance, MaxIterations = MaxIterations }.Validate(rows);
    }
}
