namespace Tailor.Server.Delivery;

/// <summary>How one attempt of a delivery ended, and what to log about it.</summary>
public sealed record ChannelResult(ChannelOutcome Outcome, string Detail)
{
    /// <summary>Done: the receiver accepted it.</summary>
    public static ChannelResult Sent(string detail) => new(ChannelOutcome.Sent, detail);

    /// <summary>Failed for now; a later try may pass (a 5xx, a timeout, a refused connection).</summary>
    public static ChannelResult Retry(string error) => new(ChannelOutcome.Retry, error);

    /// <summary>Failed for good; no retry can help (a 4xx, a missing template, an erased profile).</summary>
    public static ChannelResult Dead(string error) => new(ChannelOutcome.Dead, error);

    /// <summary>Not sent, and never to be: the profile's consent, read at the moment of sending, does not cover the purpose.</summary>
    public static ChannelResult ConsentRefused(string reason) => new(ChannelOutcome.ConsentRefused, reason);
}
