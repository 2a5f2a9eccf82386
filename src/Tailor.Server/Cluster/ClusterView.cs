namespace Tailor.Server.Cluster;

/// <summary>
/// <c>GET /api/cluster</c>: the nodes, each partition of background work with its holder and lag, as this node sees
/// them. <paramref name="Mode"/> is <c>single</c> (no broker: this node runs everything) or <c>cluster</c>.
/// </summary>
public sealed record ClusterView(string Mode, string Node, string Broker, DateTimeOffset At, IReadOnlyList<ClusterNodeView> Nodes, IReadOnlyList<ClusterPartitionView> Partitions);

/// <summary>A node: <paramref name="State"/> is <c>up</c> while its heartbeat is younger than a lease, else <c>down</c>.</summary>
public sealed record ClusterNodeView(string NodeId, string Url, string State, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, string Broker, IReadOnlyList<string> Partitions);

/// <summary>
/// A partition (one follower's work): who holds it until when, how often it changed hands (<paramref name="Epoch"/>),
/// where it is and how much waits for it (<paramref name="Lag"/>), and its state on this node.
/// </summary>
public sealed record ClusterPartitionView(string Name, string? Owner, long Epoch, DateTimeOffset? AcquiredAt, DateTimeOffset? ExpiresAt, long? Position, long Lag, string StateHere);
