namespace Tailor.Analytics.Clustering;

/// <summary>Progress of a clustering run: what it is doing, and how many of the run's steps (one per k, plus the profile) are done.</summary>
public readonly record struct ClusterProgress(string Step, int Done, int Total);
