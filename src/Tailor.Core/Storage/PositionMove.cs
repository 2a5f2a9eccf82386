namespace Tailor.Core.Storage;

/// <summary>
/// A follower's position moving from <paramref name="From"/> to <paramref name="To"/> in the commit that carries it.
/// The commit fails with <see cref="PositionConflictException"/>, and changes nothing, when the stored position is no
/// longer <paramref name="From"/> (another node or process moved it first).
/// </summary>
public sealed record PositionMove(string Name, long From, long To)
{
    /// <summary>How many log positions the move covers, as a step's count of events (at most <see cref="int.MaxValue"/>).</summary>
    public int Covered => (int)Math.Min(To - From, int.MaxValue);
}
