namespace Tailor.Core.Storage;

/// <summary>
/// Where each follower of the log stands. Positions are only read here: a position moves inside the commit of the
/// work it covers (each commit record carries its <see cref="PositionMove"/>), so work and position never part. The
/// one exception is <see cref="SplitFoldAsync"/>, which creates the split fold's positions once, covering no work.
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
    Task<long> FoldedUpToAsync(CancellationToken cancellationToken);

    /// <summary>How many partitions the store's fold is split into (docs/scale.md): 1 while the fold is whole.</summary>
    Task<int> FoldPartitionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Splits the fold into <paramref name="partitions"/> (at least 2) the first time: the identity stage and every
    /// partition start where the whole fold stands, in one transaction, and the whole fold no longer runs on this store.
    /// Once split, the number is fixed for the life of the data: asking for another throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task SplitFoldAsync(int partitions, CancellationToken cancellationToken);
}
