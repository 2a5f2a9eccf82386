using Tailor.Application.DeadLetters;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>
/// Replays a batch a destination set aside: posts the stored body again to the destination as it is now set up
/// (its URL, write key, signing secret). Throws, leaving the entry pending, when the destination is gone or the send
/// fails. A receiver deduplicates a repeated batch by the messages' ids (Segment's messageId).
/// </summary>
public sealed class DestinationReplayer(IDestinationStore store, BatchDelivery delivery) : IDeadLetterReplayer
{
    public string Stage => DestinationOperations.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var id = letter.Key.Split(':')[0];
        var destination = await store.GetDestinationAsync(id, cancellationToken) ?? throw new InvalidOperationException($"destination {id} no longer exists");
        if (await delivery.TrySendAsync(destination, System.Text.Encoding.UTF8.GetBytes(letter.Payload), cancellationToken) is { } error)
            throw new InvalidOperationException($"{destination.Name}: {error}");
        return new DeadLetterReplayResult($"sent again to {destination.Name}");
    }
}
