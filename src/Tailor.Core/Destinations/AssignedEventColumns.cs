using Tailor.Core.Events;

namespace Tailor.Core.Destinations;

/// <summary>The columns of an assigned event, without its payload (which <see cref="IAssignedEventVisitor"/> gets as UTF-8 beside them).</summary>
public readonly record struct AssignedEventColumns(
    long Sequence, string ProfileId, string MessageId, EventType Type, string? Name, string? UserId, string? AnonymousId,
    DateTimeOffset Timestamp, DateTimeOffset ReceivedAt, string SourceId);
