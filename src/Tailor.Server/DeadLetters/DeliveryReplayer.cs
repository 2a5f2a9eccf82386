using Tailor.Application.DeadLetters;
using Tailor.Core.Storage;
using Tailor.Server.Triggers;

namespace Tailor.Server.DeadLetters;

/// <summary>Replays a delivery set aside after it threw: puts the outbox row back to pending (as the trigger API's retry does) and wakes the worker.</summary>
public sealed class DeliveryReplayer(ITriggerStore store, DeliveryWorker deliveries, TimeProvider time) : IDeadLetterReplayer
{
    public string Stage => DeliveryWorker.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        if (!await store.RetryDeadLetterAsync(letter.Key, time.GetUtcNow(), cancellationToken))
            return new DeadLetterReplayResult($"delivery {letter.Key} is no longer dead (already retried); left as it is");
        deliveries.Wake();
        return new DeadLetterReplayResult($"delivery {letter.Key} put back in the outbox");
    }
}
