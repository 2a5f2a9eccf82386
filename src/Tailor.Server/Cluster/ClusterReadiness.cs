using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tailor.Server.Cluster;

/// <summary>
/// The cluster's part of <c>/health/ready</c>: unhealthy while this node cannot renew its leases (it stops its
/// followers then, and the store is likely away); degraded while the broker link is down or another live node is silent (the node still works: other
/// nodes' changes reach it by polling, and its caches keep nothing older than 1 s). Data: broker state and what it holds.
/// </summary>
internal sealed class ClusterReadiness(ClusterMembership membership, BrokerLink broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["broker"] = broker.State,
            ["holds"] = string.Join(",", membership.Held.Keys.Order(StringComparer.Ordinal)),
            ["renewedAt"] = membership.RenewedAt?.ToString("O") ?? "never",
        };
        if (!membership.Fresh)
            return Task.FromResult(HealthCheckResult.Unhealthy($"leases not renewed: {membership.LastError ?? "not yet"}", data: data));
        return Task.FromResult(broker.HearsEveryNode
            ? HealthCheckResult.Healthy("leases renewed, broker connected, every node heard", data)
            : HealthCheckResult.Degraded(broker.Connected ? "broker connected, but a live node was not heard within the last ticks" : $"broker {broker.State}", data: data));
    }
}
