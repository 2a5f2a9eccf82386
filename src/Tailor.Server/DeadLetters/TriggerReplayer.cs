using Tailor.Application.DeadLetters;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Triggers;
using Tailor.Application.Triggers;

namespace Tailor.Server.DeadLetters;

/// <summary>Replays an event or segment change the trigger engine set aside: feeds it to the triggers again (<see cref="TriggerEngine.ReplayAsync"/>).</summary>
public sealed class TriggerReplayer(TriggerEngine engine, DeliveryWorker deliveries) : IDeadLetterReplayer
{
    public string Stage => TriggerEngine.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await engine.ReloadAsync(cancellationToken);
        var note = await engine.ReplayAsync(letter, cancellationToken);
        deliveries.Wake();
        return new DeadLetterReplayResult(note);
    }
}
