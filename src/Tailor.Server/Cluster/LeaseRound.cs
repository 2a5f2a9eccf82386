namespace Tailor.Server.Cluster;

/// <summary>One round of a node's membership: the partitions it holds with their epochs, and the nodes alive now (itself included).</summary>
public sealed record LeaseRound(IReadOnlyDictionary<string, long> Held, IReadOnlyList<string> LiveNodes);
