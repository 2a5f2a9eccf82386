namespace Tailor.Core.Storage;

/// <summary>
/// Where each follower of the log stands. Positions are only read here: a position moves inside the commit of the
/// work it covers (each commit record carries its <see cref="PositionMove"/>), so work and position never part.
/// </summary>
public interface IPositionStore
{
    /// <summary>The position of the follower named <paramref name="follower"/> (see <see cref="Followers"/>); 0 before its first commit.</summary>
    Task<long> PositionAsync(string follower, CancellationToken cancellationToken);

    /// <summary>
    /// The log position up to which every event is folded into its profile: how far a follower that reads profiles,
    /// assignments or memberships may read. The profile pipeline's position while the fold is one partition; with the
    /// fold split by profile key (docs/scale.md) the lowest of the partitions' positions, changed here alone.
    /// </summary>
    Task<long> FoldedUpToAsync(CancellationToken cancellationToken) => PositionAsync(Followers.Profiles, cancellationToken);
}
