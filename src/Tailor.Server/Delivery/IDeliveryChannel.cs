using Tailor.Core.Storage;

namespace Tailor.Server.Delivery;

/// <summary>
/// Sends one kind of outbox delivery (email, webhook, profile change; SMS and push later). The
/// <see cref="Triggers.DeliveryWorker"/> claims a delivery, hands it to the channel of its <see cref="Kind"/> and
/// records the result; retries, dead letters and the execution log are the worker's.
/// </summary>
public interface IDeliveryChannel
{
    /// <summary>The action kind this channel sends, as stored on the delivery (<c>email</c>, <c>webhook</c>, <c>profile</c>).</summary>
    string Kind { get; }

    /// <summary>
    /// Sends the delivery once. A failure that is not a normal outcome may throw: the worker retries it (except an
    /// email, which may have been accepted) and sets it aside once no tries are left.
    /// </summary>
    Task<ChannelResult> SendAsync(ActionDelivery delivery, CancellationToken cancellationToken);
}
