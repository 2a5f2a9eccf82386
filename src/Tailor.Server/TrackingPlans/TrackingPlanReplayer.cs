using System.Text.Json;
using Tailor.Core.TrackingPlans;
using Tailor.Application.DeadLetters;
using Tailor.Server.Ingestion;

namespace Tailor.Server.TrackingPlans;

/// <summary>
/// Replays an event the tracking plan blocked: checks it again against the plan as it is now (after the schema or the
/// source's mode was changed) and, if it passes (or is only flagged), appends it to the log. Still breaking a
/// blocking plan leaves it pending, with the violations as the error. Appending twice is harmless: the log
/// deduplicates by (source, messageId).
/// </summary>
public sealed class TrackingPlanReplayer(TrackingPlanCache cache, EventLogWriter writer) : IDeadLetterReplayer
{
    public string Stage => TrackingPlanGate.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(Tailor.Core.Storage.DeadLetter letter, CancellationToken cancellationToken)
    {
        var e = TrackingPlanGate.Unhold(letter.Payload);
        var plan = await cache.ReloadAsync(cancellationToken); // the fix may have been made a moment ago, here or elsewhere
        using var message = JsonDocument.Parse(e.Payload);
        var (pass, blocked) = TrackingPlanGate.Apply(plan, e, message.RootElement);
        if (blocked is not null) throw new InvalidOperationException($"still {TrackingPlanGate.Reason(blocked)}");
        var stored = await writer.WriteAsync([pass!], cancellationToken);
        var flagged = !ReferenceEquals(pass, e);
        return new DeadLetterReplayResult(stored[0]
            ? $"event {e.MessageId} appended to the log{(flagged ? " with violations flagged" : "")}"
            : $"event {e.MessageId} was already in the log");
    }
}
