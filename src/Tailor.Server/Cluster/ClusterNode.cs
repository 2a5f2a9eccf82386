namespace Tailor.Server.Cluster;

/// <summary>A node as it last announced itself: its address, when it started and last renewed, and its broker connection.</summary>
public sealed record ClusterNode(string NodeId, string Url, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, string Broker);
