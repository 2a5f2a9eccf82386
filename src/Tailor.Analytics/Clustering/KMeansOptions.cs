namespace Tailor.Analytics.Clustering;

/// <summary>
/// Parameters of one k-means fit. Defaults follow scikit-learn 1.2's <c>KMeans</c>: 10 restarts, tolerance 1e-4
/// relative to the mean feature variance, at most 300 iterations; the seed defaults to 0 so runs are reproducible.
/// </summary>
public sealed record KMeansOptions(int Clusters)
{
    /// <summary>Independent k-means++ starts; the one with the lowest inertia wins (the earliest on a tie).</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>Seed of the random source that picks the k-means++ centres of every restart.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Convergence tolerance, relative: a restart stops when the sum over clusters of the squared distance each centre
    /// moved is at most <c>Tolerance × mean over features of the population variance</c> (scikit-learn's definition),
    /// or when no label changed.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Most Lloyd iterations per restart.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>Refuses values outside <see cref="ClusteringLimits"/> or more clusters than <paramref name="rows"/>.</summary>
    public void Validate(int rows)
    {
        if (Clusters < 1 || Clusters > ClusteringLimits.MaxK)
        {
            throw new ArgumentException($"Clusters ({Clusters}) must be between 1 and {ClusteringLimits.MaxK}");
        }
        if (Clusters > rows)
        {
            throw new ArgumentException($"Clusters ({Clusters}) cannot exceed the number of rows ({rows})");
        }
        if (Restarts < 1 || Restarts > ClusteringLimits.MaxRestarts)
        {
            throw new ArgumentException($"Restarts ({Restarts}) must be between 1 and {ClusteringLimits.MaxRestarts}");
        }
        if (MaxIterations < 1 || MaxIterations > ClusteringLimits.MaxIterations)
        {
            throw new ArgumentException($"MaxIterations ({MaxIterations}) must be between 1 and {ClusteringLimits.MaxIterations}");
        }
        if (!(Tolerance >= 0 && Tolerance <= 1))
        {
            throw new ArgumentException($"Tolerance ({Tolerance}) must be between 0 and 1");
        }
    }
}
