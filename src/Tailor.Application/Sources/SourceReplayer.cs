using Tailor.Application.DeadLetters;
using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Application.Sources;

/// <summary>
/// Replays a payload a source set aside: maps it again with the source's mapping as it is now and appends the events
/// (deduplicated by source and messageId, so replaying twice stores once). Still failing, it stays pending with the reason.
/// </summary>
public sealed class SourceReplayer(ISourceStore sources, InboundMapper mapper, IEventSink sink) : IDeadLetterReplayer
{
    public string Stage => SourceDeadLetters.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var payload = SourceDeadLetters.Unhold(letter.Payload);
        var source = await sources.GetSourceAsync(payload.SourceId, cancellationToken)
            ?? throw new InvalidOperationException($"source {payload.SourceId} no longer exists");
        InboundBatch batch;
        try
        {
            batch = await mapper.MapAsync(source, payload, cancellationToken);
        }
        catch (MappingException e)
        {
            throw new InvalidOperationException($"still cannot be mapped: {e.Message}", e);
        }
        await sink.AppendAsync(batch.Events, cancellationToken);
        return new DeadLetterReplayResult(batch.Ignored ?? $"mapped to {batch.Events.Count} events and appended to the log");
    }
}
