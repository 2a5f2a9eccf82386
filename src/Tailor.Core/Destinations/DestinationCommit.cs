using Tailor.Core.Storage;

namespace Tailor.Core.Destinations;

/// <summary>
/// One step of a destination, committed atomically: its position moves (one per table it follows), the counts it
/// adds, and a batch it set aside (the dead letter), if any. Fails with <see cref="PositionConflictException"/>, and
/// changes nothing, when another process moved a position first.
/// </summary>
public sealed record DestinationCommit(string DestinationId, IReadOnlyList<PositionMove> Moves, long Sent, long Skipped, DeadLetter? SetAside = null);
