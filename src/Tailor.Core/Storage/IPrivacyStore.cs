using Tailor.Core.Privacy;

namespace Tailor.Core.Storage;

/// <summary>
/// Erasure, suppression, event retention and consent history (docs/privacy.md). Erasure and retention are the only
/// writers that delete from the append-only event log; both keep every follower's position valid (a sequence is never
/// handed out twice).
/// </summary>
public interface IPrivacyStore
{
    /// <summary>
    /// Removes every row held on the person (<see cref="ErasureRequest"/>) from every table, and stores the suppression
    /// entries, in one transaction; on SQLite the freed space is overwritten and the write-ahead log emptied after.
    /// </summary>
    Task<ErasureResult> EraseAsync(ErasureRequest request, CancellationToken cancellationToken);

    /// <summary>True when there is at least one suppression entry (the profile pipeline skips hashing when there is none).</summary>
    Task<bool> AnySuppressionsAsync(CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="hashes"/> are suppressed.</summary>
    Task<IReadOnlySet<string>> SuppressedAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken);

    /// <summary>Removes the suppression entries of <paramref name="hashes"/>; answers how many there were.</summary>
    Task<int> RemoveSuppressionsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken);

    /// <summary>A counter (<see cref="PrivacyCounters"/>).</summary>
    Task<long> CounterAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="max"/> events of <paramref name="name"/> (or, for <see cref="EventRetentionPolicy.Others"/>,
    /// of any name not in <paramref name="named"/>) with an event time before <paramref name="before"/> and a sequence at
    /// most <paramref name="upTo"/>, with their profile assignments; answers how many.
    /// </summary>
    Task<int> DeleteEventsAsync(string name, IReadOnlyCollection<string> named, DateTimeOffset before, long upTo, int max, CancellationToken cancellationToken);

    Task SaveRetentionRunAsync(RetentionRun run, CancellationToken cancellationToken);

    Task<RetentionRun?> LastRetentionRunAsync(CancellationToken cancellationToken);

    /// <summary>A profile's consent changes, oldest first (a merged-away id's changes are its survivor's).</summary>
    Task<IReadOnlyList<ConsentChange>> ConsentHistoryAsync(string profileId, int limit, CancellationToken cancellationToken);
}

/// <summary>The names of the privacy counters.</summary>
public static class PrivacyCounters
{
    /// <summary>Events the profile pipeline dropped because they carried a suppressed identifier.</summary>
    public const string SuppressedEvents = "suppressed_events";

    /// <summary>People erased.</summary>
    public const string Erasures = "erasures";
}
