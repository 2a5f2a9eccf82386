using Tailor.Server.Pipeline;

namespace Tailor.Server.Cluster;

/// <summary><c>GET /api/cluster</c> (admin key): nodes, partitions, their holders and lag (docs/scale.md).</summary>
public static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this RouteGroupBuilder api)
    {
        api.MapGet("cluster", ReadAsync).WithTags("Cluster").WithName("GetCluster")
            .WithSummary("The nodes of the cluster, each partition of background work with the node that holds it, its epoch and lag; on a single node, that node runs everything");
        return api;
    }

    private static async Task<IResult> ReadAsync(IServiceProvider services, FollowerHost followers, TimeProvider time, CancellationToken ct)
    {
        if (services.GetService<ClusterStatus>() is { } status) return TypedResults.Ok(await status.ReadAsync(ct));
        // No broker: one node (or nodes sharing PostgreSQL that each run everything): what this node runs.
        var now = time.GetUtcNow();
        var partitions = (await followers.StatusAsync(ct)).Select(s => new ClusterPartitionView(s.Name, "this node", 0, null, null, s.Position, s.Lag, s.State)).ToList();
        return TypedResults.Ok(new ClusterView("single", "this node", "none", now, [], partitions));
    }
}
