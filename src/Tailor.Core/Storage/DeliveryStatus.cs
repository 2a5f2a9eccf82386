namespace Tailor.Core.Storage;

/// <summary>Where an outbox delivery is; stored as its lower-case name (<c>pending</c>, <c>sending</c>, ...).</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its due time (a first try or a retry).</summary>
    Pending,
    /// <summary>Claimed by a node that is sending it.</summary>
    Sending,
    /// <summary>Accepted by the receiver.</summary>
    Sent,
    /// <summary>Ended without a retry and without being a dead letter (an email interrupted mid-send, which may have gone out).</summary>
    Failed,
    /// <summary>Out of tries or refused for good: a dead letter, listed and retried through the API.</summary>
    Dead,
}
