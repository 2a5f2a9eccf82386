using Tailor.Server.Pipeline;

namespace Tailor.Server.Cluster;

/// <summary>Reads the cluster's state for <c>GET /api/cluster</c>: the lease table, the nodes' heartbeats and each follower's progress.</summary>
public sealed class ClusterStatus(ClusterLeases leases, ClusterOptions options, NodeIdentity node, BrokerLink broker, FollowerHost followers)
{
    public async Task<ClusterView> ReadAsync(CancellationToken ct)
    {
        var (nodes, held, now) = await leases.ReadAsync(ct);
        var progress = (await followers.StatusAsync(ct)).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var live = held.Where(l => l.Owner is not null && l.ExpiresAt > now).ToList();
        var partitions = held.Select(l =>
        {
            var owned = l.Owner is not null && l.ExpiresAt > now;
            var status = progress.GetValueOrDefault(l.Partition);
            return new ClusterPartitionView(l.Partition, owned ? l.Owner : null, l.Epoch, l.AcquiredAt, owned ? l.ExpiresAt : null, status?.Position, status?.Lag ?? 0,
                status?.State ?? "not run here");
        }).ToList();
        var views = nodes.Select(n => new ClusterNodeView(n.NodeId, n.Url, now - n.HeartbeatAt < options.LeaseDuration ? "up" : "down", n.StartedAt, n.HeartbeatAt,
            n.Broker, [.. live.Where(l => l.Owner == n.NodeId).Select(l => l.Partition)])).ToList();
        return new ClusterView("cluster", node.Id, broker.State, now, views, partitions);
    }
}
