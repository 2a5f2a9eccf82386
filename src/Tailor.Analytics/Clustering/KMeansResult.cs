namespace Tailor.Analytics.Clustering;

/// <summary>
/// The best restart of a k-means fit: each row's cluster (0 … k−1), the centres (row-major, k × features), the inertia
/// (sum over rows of the squared Euclidean distance to the nearest centre), the iterations it took and whether it
/// converged before the iteration limit.
/// </summary>
public sealed record KMeansResult(int Clusters, int[] Labels, double[] Centroids, double Inertia, int Iterations, bool Converged, int Restart);
