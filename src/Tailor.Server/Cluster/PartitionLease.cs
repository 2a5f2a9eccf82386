namespace Tailor.Server.Cluster;

/// <summary>A partition of background work and who holds it: <paramref name="Epoch"/> grows by one each time it changes hands.</summary>
public sealed record PartitionLease(string Partition, string? Owner, long Epoch, DateTimeOffset? AcquiredAt, DateTimeOffset ExpiresAt);
