namespace Tailor.Analytics.Clustering;

/// <summary>
/// The mean silhouette coefficient over the rows used, how many rows were used, and whether they were a seeded sample
/// (above <see cref="ClusteringLimits.SilhouetteExactRows"/> rows) rather than every row. The score is NaN when the
/// rows used fall in fewer than two clusters.
/// </summary>
public sealed record SilhouetteResult(double Score, int RowsUsed, bool Sampled, int? SampleSeed);
