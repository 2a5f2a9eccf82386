using System.Data.Common;
using System.Globalization;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Positions;

/// <summary>
/// The followers' positions (table <c>pipeline_positions</c>). Read here; moved only by <see cref="MoveAsync"/> inside
/// the commit of the work a move covers, so work and position are stored together or not at all.
/// </summary>
internal sealed class SqlPositionStore(SqlDatabase db) : IPositionStore
{
    public async Task<long> PositionAsync(string follower, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var value = await Db.ScalarAsync(c, null, "SELECT position FROM pipeline_positions WHERE name = @name", cancellationToken, ("name", follower));
        return value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task<long> FoldedUpToAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        // The lowest partition of a split fold, else the whole fold.
        var value = await Db.ScalarAsync(c, null, """
            SELECT COALESCE((SELECT MIN(position) FROM pipeline_positions WHERE name LIKE @partitions), (SELECT position FROM pipeline_positions WHERE name = @whole), 0)
            """, cancellationToken, ("partitions", Followers.ProfilePartitionPrefix + "%"), ("whole", Followers.Profiles));
        return Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task<int> FoldPartitionsAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return Math.Max(1, await CountPartitionsAsync(c, null, cancellationToken));
    }

    public Task SplitFoldAsync(int partitions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 2);
        return db.WriteAsync(async (c, t) =>
        {
            // The whole fold's row first, written as it is: it locks the row (created when missing), so stages splitting at
            // once on PostgreSQL take turns and a whole-fold commit in flight finishes first; the turns after see the split.
            (string, object?) whole = ("name", Followers.Profiles);
            await Db.ExecuteAsync(c, t, """
                INSERT INTO pipeline_positions (name, position) VALUES (@name, 0)
                ON CONFLICT (name) DO UPDATE SET position = pipeline_positions.position
                """, cancellationToken, whole);
            var existing = await CountPartitionsAsync(c, t, cancellationToken);
            if (existing == partitions) return 0;
            if (existing > 0)
                throw new InvalidOperationException($"The profile fold of this store is split into {existing} partitions, not {partitions}: the number is fixed for the life of the data (Tailor:FoldPartitions).");
            // Read, then retired: a whole fold still running somewhere with its position cached finds it moved, and re-reads into the refusal.
            var stood = await Db.ScalarAsync(c, t, "SELECT position FROM pipeline_positions WHERE name = @name", cancellationToken, whole);
            var position = stood is null ? 0 : Convert.ToInt64(stood, CultureInfo.InvariantCulture);
            await Db.ExecuteAsync(c, t, "UPDATE pipeline_positions SET position = @retired WHERE name = @name", cancellationToken, whole, ("retired", RetiredPosition));
            const string seed = "INSERT INTO pipeline_positions (name, position) VALUES (@name, @position)";
            await Db.ExecuteAsync(c, t, seed, cancellationToken, ("name", Followers.Identities), ("position", position));
            for (var k = 0; k < partitions; k++)
                await Db.ExecuteAsync(c, t, seed, cancellationToken, ("name", Followers.ProfilePartition(k)), ("position", position));
            return 0;
        }, cancellationToken);
    }

    /// <summary>The whole fold's position once the fold is split: no commit of it can move from there.</summary>
    internal const long RetiredPosition = -1;

    private static async Task<int> CountPartitionsAsync(DbConnection c, DbTransaction? t, CancellationToken ct) =>
        Convert.ToInt32(await Db.ScalarAsync(c, t, "SELECT COUNT(*) FROM pipeline_positions WHERE name LIKE @partitions", ct,
            ("partitions", Followers.ProfilePartitionPrefix + "%")), CultureInfo.InvariantCulture);

    /// <summary>
    /// Moves a position from <see cref="PositionMove.From"/> to <see cref="PositionMove.To"/>, first thing in the
    /// transaction; throws <see cref="PositionConflictException"/> (and so rolls back) if another process moved it.
    /// </summary>
    internal static async Task MoveAsync(DbConnection c, DbTransaction t, PositionMove move, CancellationToken ct)
    {
        if (move.From < 0) throw new PositionConflictException(move.Name, move.From); // retired (a split fold's whole position): never moved again
        var moved = await Db.ExecuteAsync(c, t, "UPDATE pipeline_positions SET position = @position WHERE name = @name AND position = @expected", ct,
            ("position", move.To), ("name", move.Name), ("expected", move.From));
        if (moved == 0 && move.From == 0)
        {
            moved = await Db.ExecuteAsync(c, t, "INSERT INTO pipeline_positions (name, position) VALUES (@name, @position) ON CONFLICT (name) DO NOTHING", ct,
                ("name", move.Name), ("position", move.To));
        }
        if (moved == 0) throw new PositionConflictException(move.Name, move.From);
    }
}
