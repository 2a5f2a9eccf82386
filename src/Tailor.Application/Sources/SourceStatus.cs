namespace Tailor.Application.Sources;

/// <summary>What a source has done: its state, the events it brought, what it set aside, what last went wrong, and for a pull where it is.</summary>
/// <param name="Events">Events in the log from this source.</param>
/// <param name="DeadLetters">Payloads or rows set aside (not mapped, not valid) and not replayed yet.</param>
/// <param name="Cursor">For a pull: the cursor value of the last row committed.</param>
/// <param name="NextPullAt">For a pull: when it runs next.</param>
/// <param name="Received">For a webhook source, since this node started: requests that passed the signature check.</param>
/// <param name="Rejected">Since this node started: requests refused for their signature.</param>
/// <param name="Throttled">Since this node started: requests refused for the source's rate.</param>
/// <param name="EventsDropped">Since this node started: events dropped for want of analytics consent (privacy <c>drop</c>).</param>
/// <param name="EventsPseudonymized">Since this node started: events stored in pseudonymous form (privacy <c>pseudonymous</c>).</param>
/// <param name="FieldsDropped">Since this node started: traits and properties removed by the allow- and deny-lists.</param>
public sealed record SourceStatus(
    string Id, string Name, string Kind, string State, long Events, long DeadLetters, string? LastError, DateTimeOffset? LastErrorAt,
    string? Cursor = null, DateTimeOffset? LastRunAt = null, int? LastRunRows = null, DateTimeOffset? NextPullAt = null,
    long? Received = null, long? Rejected = null, long? Throttled = null, DateTimeOffset? LastReceivedAt = null,
    long? EventsDropped = null, long? EventsPseudonymized = null, long? FieldsDropped = null);
