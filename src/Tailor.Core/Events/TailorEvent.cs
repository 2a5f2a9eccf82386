namespace Tailor.Core.Events;

/// <summary>
/// One validated, normalised message as it is written to the event log. Immutable once logged.
/// <see cref="Payload"/> is the message's JSON (traits, properties, context, ...) exactly as the client sent it.
/// </summary>
/// <param name="Timestamp">Event time, corrected for client clock skew; every time window is measured on it.</param>
/// <param name="ReceivedAt">When Tailor received the message.</param>
public sealed record TailorEvent(
    string MessageId,
    EventType Type,
    string? Name,
    string? UserId,
    string? AnonymousId,
    DateTimeOffset Timestamp,
    DateTimeOffset ReceivedAt,
    string SourceId,
    string Payload);

/// <summary>An event with the position the log gave it. Positions grow in commit order.</summary>
public readonly record struct LoggedEvent(long Sequence, TailorEvent Event);
