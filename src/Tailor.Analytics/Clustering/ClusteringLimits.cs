namespace Tailor.Analytics.Clustering;

/// <summary>The bounds every clustering input and parameter is held to, so a hostile request cannot exhaust the machine.</summary>
public static class ClusteringLimits
{
    /// <summary>Largest number of clusters.</summary>
    public const int MaxK = 50;

    /// <summary>Largest number of features.</summary>
    public const int MaxFeatures = 100;

    /// <summary>Largest number of rows k-means accepts (a user's file or the profiles of the store).</summary>
    public const int MaxRows = 5_000_000;

    /// <summary>Largest number of rows Ward linkage accepts: it costs O(n²) time.</summary>
    public const int WardMaxRows = 10_000;

    /// <summary>Largest number of k-means restarts.</summary>
    public const int MaxRestarts = 100;

    /// <summary>Largest number of Lloyd iterations per restart.</summary>
    public const int MaxIterations = 10_000;

    /// <summary>Up to this many rows the silhouette is exact; above it, it is computed on a seeded sample of this size.</summary>
    public const int SilhouetteExactRows = 5_000;
}
