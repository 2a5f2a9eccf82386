using Tailor.Core.Destinations;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>
/// One step of a warehouse export: the rows of each table after the destination's positions, and the position moves
/// that cover them (the range in each file's name). Rows of profiles the consent gate refused are already left out;
/// <see cref="Refused"/> counts them (the moves still cover them: they are never exported later either).
/// <see cref="Full"/>: some table gave as many rows as were asked for, so more may follow at once. The Parquet export
/// reads events as <see cref="EventRows"/> (made from the payloads' UTF-8), other exports as <see cref="Events"/>.
/// </summary>
internal sealed record ExportBatch(
    IReadOnlyList<AssignedEvent> Events,
    IReadOnlyList<Profile> Profiles,
    IReadOnlyList<SegmentChangeEntry> Memberships,
    IReadOnlyList<SendRecord> Sends,
    IReadOnlyDictionary<string, PositionMove> Moves,
    DateTimeOffset ExportedAt,
    long Refused = 0,
    bool Full = false,
    ExportEventRows? EventRows = null)
{
    public bool Moved => Moves.Values.Any(m => m.To != m.From);

    /// <summary>The positions this batch ends at: where the next batch of the same step starts reading.</summary>
    public Dictionary<string, long> Ends() => Moves.ToDictionary(m => m.Key, m => m.Value.To, StringComparer.Ordinal);

    public long Rows => Events.Count + (EventRows?.Rows.Count ?? 0) + Profiles.Count + Memberships.Count + Sends.Count;

    /// <summary>The range a table's files carry: the cursor it rides on (profiles ride on events), from its first position to its last.</summary>
    public (long First, long Last) Range(string table)
    {
        var move = Moves[table == ExportTables.Profiles ? ExportTables.Events : table];
        return (move.From + 1, move.To);
    }
}
