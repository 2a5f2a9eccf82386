using Tailor.Core.Destinations;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>
/// One step of a warehouse export: the rows of each table after the destination's positions, and the position moves
/// that cover them (the range in each file's name). Rows of profiles the consent gate refused are already left out;
/// <see cref="Refused"/> counts them (the moves still cover them: they are never exported later either).
/// </summary>
internal sealed record ExportBatch(
    IReadOnlyList<AssignedEvent> Events,
    IReadOnlyList<Profile> Profiles,
    IReadOnlyList<SegmentChangeEntry> Memberships,
    IReadOnlyList<SendRecord> Sends,
    IReadOnlyDictionary<string, PositionMove> Moves,
    DateTimeOffset ExportedAt,
    long Refused = 0)
{
    public bool Moved => Moves.Values.Any(m => m.To != m.From);

    public long Rows => Events.Count + Profiles.Count + Memberships.Count + Sends.Count;

    /// <summary>The range a table's files carry: the cursor it rides on (profiles ride on events), from its first position to its last.</summary>
    public (long First, long Last) Range(string table)
    {
        var move = Moves[table == ExportTables.Profiles ? ExportTables.Events : table];
        return (move.From + 1, move.To);
    }
}
