namespace Tailor.Server.Delivery;

/// <summary>How one attempt of a delivery ended: the worker records it sent, retries it (while tries are left) or makes it a dead letter.</summary>
public enum ChannelOutcome
{
    Sent,
    Retry,
    Dead,
}
