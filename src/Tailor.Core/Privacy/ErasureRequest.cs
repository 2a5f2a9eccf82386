using Tailor.Core.Identity;

namespace Tailor.Core.Privacy;

/// <summary>What one erasure removes: every row of these profiles and identities, in one transaction.</summary>
/// <param name="ProfileIds">The person's live profile and every profile merged into it.</param>
/// <param name="Identities">Every identifier the person had (their rows, and dead letters and audit texts that quote them).</param>
/// <param name="Suppressions">The keyed hash of each identifier, stored so that late events do not recreate the person.</param>
public sealed record ErasureRequest(IReadOnlyList<string> ProfileIds, IReadOnlyList<ProfileIdentifier> Identities, IReadOnlyList<Suppression> Suppressions, DateTimeOffset At);

/// <summary>A suppression entry: the keyed hash of one identifier and its type (never the value).</summary>
public readonly record struct Suppression(string Hash, string IdentityType);

/// <summary>How many rows an erasure removed, by table.</summary>
/// <param name="WriteAheadLogEmptied">
/// SQLite: whether the write-ahead log file was emptied afterwards; false when readers kept it from that for the time
/// allowed or the checkpoint failed, so the old pages of the person's rows stay in it until it next starts over.
/// Null: the store has no such file of its own (PostgreSQL's WAL is the server's, docs/privacy.md).
/// </param>
public sealed record ErasureResult(IReadOnlyDictionary<string, long> Rows, bool? WriteAheadLogEmptied = null)
{
    public long Total => Rows.Values.Sum();
}
