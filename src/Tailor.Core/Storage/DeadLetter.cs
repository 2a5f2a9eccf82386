namespace Tailor.Core.Storage;

/// <summary>
/// An item a background stage could not process and set aside so that processing moves past it: an event the
/// profile pipeline could not fold, a timer the segment engine could not fire, an outbox row a renderer threw on, an
/// event the tracking plan blocked. Kept until it is replayed (and after, as a record of what happened).
/// </summary>
/// <param name="Id">Assigned by the store (0 on a new entry); increases with insertion order.</param>
/// <param name="Stage">Who set it aside: a follower's name (<c>profiles</c>, <c>segments</c>, <c>triggers</c>, <c>deliveries</c>, <c>campaigns</c>) or <c>tracking-plan</c>.</param>
/// <param name="Key">The item within its stage: an event sequence, a message id, a timer, an outbox id, a recipient.</param>
/// <param name="SourceId">The source the item came from, when it is an event.</param>
/// <param name="Payload">The item as it was read (for an event, its raw JSON); may be invalid JSON, since it failed.</param>
/// <param name="Reason">Why it was set aside, in words (e.g. the exception message, or the tracking-plan violations).</param>
/// <param name="ErrorType">The exception's type name, when an exception set it aside.</param>
/// <param name="Attempts">How many times the stage tried it before setting it aside.</param>
/// <param name="CreatedAt">When it was set aside.</param>
/// <param name="ReplayedAt">When it was replayed successfully; null while it is pending.</param>
/// <param name="ReplayNote">What the replay did, in words.</param>
public sealed record DeadLetter(
    long Id,
    string Stage,
    string Key,
    string? SourceId,
    string Payload,
    string Reason,
    string? ErrorType,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReplayedAt = null,
    string? ReplayNote = null)
{
    /// <summary>Not yet replayed.</summary>
    public bool Pending => ReplayedAt is null;

    /// <summary>A new entry for <paramref name="error"/>, its reason the exception's message.</summary>
    public static DeadLetter For(string stage, string key, string? sourceId, string payload, Exception error, int attempts, DateTimeOffset at) =>
        new(0, stage, key, sourceId, payload, error.Message, error.GetType().FullName, attempts, at);
}
