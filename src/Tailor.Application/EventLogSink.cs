using Tailor.Core.Events;
using Tailor.Core.Storage;

namespace Tailor.Application;

/// <summary>Appends events straight to the log: for a process without the server's group-commit writer (the CLI). A running server picks them up within a second.</summary>
public sealed class EventLogSink(IEventLog log) : IEventSink
{
    public async Task AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken ct)
    {
        if (events.Count > 0) await log.AppendAsync(events, ct);
    }
}
