namespace Tailor.Analytics.Clustering;

/// <summary>The clustering algorithm.</summary>
public enum ClusterMethod
{
    /// <summary>k-means (Lloyd, k-means++ starts, restarts): any size up to <see cref="ClusteringLimits.MaxRows"/>.</summary>
    KMeans,

    /// <summary>Agglomerative clustering with Ward linkage, cut at k: up to <see cref="ClusteringLimits.WardMaxRows"/> rows.</summary>
    Ward,
}
