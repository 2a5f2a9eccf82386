using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Destinations;

/// <summary>
/// The destinations, their counters, and the reads an export needs that no other role gives (profiles by id, sends
/// by id). Positions are the followers' (<see cref="IPositionStore"/>), moved only in <see cref="CommitAsync"/>.
/// </summary>
public interface IDestinationStore
{
    /// <summary>Inserts or replaces (by id); false when another destination already has the name.</summary>
    Task<bool> SaveDestinationAsync(Destination destination, CancellationToken cancellationToken);

    Task<Destination?> GetDestinationAsync(string id, CancellationToken cancellationToken);

    /// <summary>All destinations, by name.</summary>
    Task<IReadOnlyList<Destination>> ListDestinationsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the destination, its counters and its positions; false when unknown.</summary>
    Task<bool> DeleteDestinationAsync(string id, CancellationToken cancellationToken);

    Task<DestinationCounters> CountersAsync(string id, CancellationToken cancellationToken);

    /// <summary>Moves the positions, adds the counts and stores the dead letter in one transaction (and clears the last error).</summary>
    Task CommitAsync(DestinationCommit commit, CancellationToken cancellationToken);

    /// <summary>Records the last error of a step that committed nothing.</summary>
    Task RecordErrorAsync(string id, string error, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Profiles by id (unknown ids left out), merged-away ones included.</summary>
    Task<IReadOnlyDictionary<string, Profile>> ProfilesAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// What the consent gate reads of profiles by id, and nothing more: each with its id, creation time, merge link and
    /// consent (no traits, identities or computed traits, so nothing is decrypted). Unknown ids are left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, Profile>> ConsentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// The events the profile pipeline assigned with sequence in (<paramref name="after"/>, <paramref name="upTo"/>], at
    /// most <paramref name="max"/>, in log order, as <see cref="ITriggerStore.AssignedEventsAsync"/> reads them, but each
    /// handed to <paramref name="visitor"/> with its payload as clear UTF-8 rather than made into a string; returns how many.
    /// </summary>
    Task<int> VisitAssignedEventsAsync(long after, long upTo, int max, IAssignedEventVisitor visitor, CancellationToken cancellationToken);

    /// <summary>Sends (the contact log: one row per email or webhook that reached a person) with id after <paramref name="afterId"/>, in id order.</summary>
    Task<IReadOnlyList<SendRecord>> SendsAfterAsync(long afterId, int max, CancellationToken cancellationToken);
}
