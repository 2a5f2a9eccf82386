namespace Tailor.Analytics.Clustering;

/// <summary>The suggested number of clusters, the elbow of the WCSS curve (null with fewer than three k), and the reason in words.</summary>
public sealed record KSuggestion(int K, int? ElbowK, string Reason);
