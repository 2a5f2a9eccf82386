using Tailor.Core.Events;

namespace Tailor.Application;

/// <summary>
/// Where events Tailor writes itself (scores written back, experiment exposures) go: appended durably, deduplicated by
/// (source, messageId) like any event, and — in the server — waking the followers. The server's sink is the group-commit
/// writer; the CLI's appends to the log directly.
/// </summary>
public interface IEventSink
{
    Task AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken ct);
}
