namespace Tailor.Analytics.Clustering;

/// <summary>
/// One cluster described: its number (0 is the largest), suggested name, size and share of rows, the mean of every
/// input feature in the cluster (in the input's units), and the standardised difference of each feature from the
/// overall mean (<see cref="ClusterProfiles"/>).
/// </summary>
public sealed record ClusterProfile(int Cluster, string Name, int Size, double Share, IReadOnlyList<double> Means, IReadOnlyList<double> StandardizedMeans);
