namespace Tailor.Application.Analytics.Clustering;

/// <summary>What publishing did with one cluster: the segment's name and id (null when not published), the cluster, its size and what happened.</summary>
public sealed record PublishedSegment(string Name, int Cluster, int Size, string? SegmentId, string Outcome);
