using System.Buffers;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// Event forwarding: the events the profile pipeline has assigned, after the destination's position, that pass its
/// <see cref="EventSelection"/> and whose profile consented to its purpose (<c>data sharing</c> by default) are
/// mapped and sent as one Segment <c>/v1/batch</c> request of at most the batch size (and 450 kB). Filtered and
/// refused events are counted as skipped and never leave Tailor.
/// </summary>
internal sealed class EventForwarder(ITriggerStore assigned, IPositionStore positions, IDestinationStore store, BatchDelivery delivery, TimeProvider time) : IDestinationDriver
{
    private const int MaxBodyBytes = 450_000;

    /// <summary>The fewest events one read asks for, so a small batch size does not mean many tiny reads.</summary>
    private const int MinRead = 100;

    /// <summary>How many batches' worth of events one step reads at most when most are filtered out.</summary>
    private const int MaxReadBatches = 4;

    public string Kind => DestinationKinds.Segment;

    public async Task<FollowerStep> StepAsync(Destination d, CancellationToken ct)
    {
        var name = d.PositionName(ExportTables.Events);
        var from = await positions.PositionAsync(name, ct);
        var upTo = await positions.FoldedUpToAsync(ct);
        if (delivery.RetryUpTo(d, ExportTables.Events, from) is { } retryTo) upTo = Math.Min(upTo, retryTo);
        if (upTo <= from) return FollowerStep.Idle();
        var batchSize = d.Settings.BatchSize ?? DestinationRules.DefaultBatchSize;
        var selection = new EventSelection(d.Settings);
        var purpose = DestinationRules.PurposeOf(d);

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        int sent = 0, skipped = 0, read = 0;
        var to = from;
        var full = false;
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("batch");
            // Read only what the request still lacks (more only where the filter or the gate left events out), at most
            // MaxReadBatches batches' worth per step: each event read is decompressed and parsed, and its profile's consent looked up.
            while (!full)
            {
                var want = Math.Min(Math.Max(batchSize, MinRead) * MaxReadBatches - read, Math.Max(batchSize - sent, MinRead));
                if (want <= 0) break;
                var events = await assigned.AssignedEventsAsync(to, upTo, want, ct);
                read += events.Count;
                var consent = await ConsentLookup.LoadConsentAsync(store, events.Select(e => e.ProfileId), ct);
                foreach (var e in events)
                {
                    using var doc = JsonDocument.Parse(e.Event.Payload);
                    if (!selection.Selects(e.Event, doc.RootElement) || consent.Refusal(e.ProfileId, purpose) is not null)
                    {
                        skipped++;
                        continue;
                    }
                    selection.Write(w, e.Event, doc.RootElement);
                    sent++;
                    if (sent >= batchSize || w.BytesPending + buffer.WrittenCount > MaxBodyBytes)
                    {
                        to = e.Sequence;
                        full = true;
                        break;
                    }
                }
                if (full) break;
                if (events.Count < want)
                {
                    to = upTo; // the whole range read, events never assigned (set aside by the pipeline) included
                    break;
                }
                to = events[^1].Sequence;
            }
            w.WriteEndArray();
            w.WriteString("sentAt", time.GetUtcNow());
            w.WriteEndObject();
        }
        var move = new PositionMove(name, from, to);
        if (sent == 0) return await delivery.SkipAsync(d, move, skipped, ct);
        if (!full && delivery.HoldUntil(d, ExportTables.Events, from) is { } until) return FollowerStep.Idle(until);
        return await delivery.SendAsync(d, ExportTables.Events, move, buffer.WrittenSpan.ToArray(), sent, skipped, ct);
    }
}
