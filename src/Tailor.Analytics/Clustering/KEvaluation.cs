namespace Tailor.Analytics.Clustering;

/// <summary>
/// The quality of one k: the within-cluster sum of squares (WCSS: the sum over rows of the squared Euclidean distance
/// to the mean of its cluster, in the clustered space; for k-means its inertia) and the silhouette.
/// </summary>
public sealed record KEvaluation(int K, double WithinClusterSumOfSquares, SilhouetteResult Silhouette);
