using Tailor.Application;
using Tailor.Core.Events;

namespace Tailor.Server.Ingestion;

/// <summary>Events Tailor writes itself go through the same group-commit writer as ingestion: durable, deduplicated, and waking the followers.</summary>
public sealed class EventLogWriterSink(EventLogWriter writer) : IEventSink
{
    public Task AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken ct) => events.Count == 0 ? Task.CompletedTask : writer.WriteAsync(events, ct);
}
