namespace Tailor.Server.Pipeline;

/// <summary>
/// Whether this node may run a follower now. A single node owns every follower; in a cluster
/// (<see cref="Cluster.ClusterMembership"/>) a node runs only the followers whose lease it holds, and the others wait.
/// </summary>
public interface IFollowerOwnership
{
    /// <summary>True while this node holds <paramref name="follower"/>.</summary>
    bool Owns(string follower);
}
