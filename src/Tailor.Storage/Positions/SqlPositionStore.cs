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

    /// <summary>
    /// Moves a position from <see cref="PositionMove.From"/> to <see cref="PositionMove.To"/>, first thing in the
    /// transaction; throws <see cref="PositionConflictException"/> (and so rolls back) if another process moved it.
    /// </summary>
    internal static async Task MoveAsync(DbConnection c, DbTransaction t, PositionMove move, CancellationToken ct)
    {
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
