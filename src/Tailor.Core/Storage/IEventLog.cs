using Tailor.Core.Events;

namespace Tailor.Core.Storage;

/// <summary>The append-only event log. An append returns only once the events are durable.</summary>
public interface IEventLog
{
    /// <summary>
    /// Stores the events in one transaction, skipping any whose (source, messageId) is already logged (or repeated in the
    /// batch): a messageId is unique per source, as in Segment.
    /// Returns, per event, whether it was new.
    /// </summary>
    Task<bool[]> AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken cancellationToken);

    /// <summary>Events after <paramref name="sequence"/>, in log order.</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Events after <paramref name="sequence"/>, in log order, as stored: values encrypted at rest still sealed. For a
    /// reader that opens (<see cref="Open"/>) only the events whose protected values it reads.
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> ReadSealedAfterAsync(long sequence, int max, CancellationToken cancellationToken);

    /// <summary>An event read by <see cref="ReadSealedAfterAsync"/> with its protected values clear; its payload the same string when it has none.</summary>
    LoggedEvent Open(LoggedEvent stored);

    /// <summary>The sequence of the newest logged event, or 0.</summary>
    Task<long> LastSequenceAsync(CancellationToken cancellationToken);

    /// <summary>A profile's events, most recently logged first (so that paging by <see cref="EventQuery.Before"/> is exact), filtered by name and event-time range.</summary>
    Task<IReadOnlyList<LoggedEvent>> ProfileEventsAsync(EventQuery query, CancellationToken cancellationToken);
}

/// <param name="From">Inclusive lower bound on event time.</param>
/// <param name="To">Exclusive upper bound on event time.</param>
/// <param name="Before">Only events with a smaller sequence (for paging).</param>
public sealed record EventQuery(string ProfileId, string? Name = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? Before = null, int Limit = 100);
