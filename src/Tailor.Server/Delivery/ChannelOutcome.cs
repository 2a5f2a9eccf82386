namespace Tailor.Server.Delivery;

/// <summary>How one attempt of a delivery ended: the worker records it sent, retries it (while tries are left), makes it a dead letter, or ends it refused by the consent gate.</summary>
public enum ChannelOutcome
{
    Sent,
    Retry,
    Dead,
    /// <summary>Not sent: the consent gate refused it at the moment of sending (consent withdrawn since it was queued).</summary>
    ConsentRefused,
}
