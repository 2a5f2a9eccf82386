using System.Threading.Channels;
using Tailor.Core.Events;
using Tailor.Core.Storage;

namespace Tailor.Server.Ingestion;

/// <summary>
/// Group commit for the event log: requests that arrive while a write is in flight are written together in the next
/// transaction, so one durable commit (one fsync) acknowledges many requests. A request's task completes only after
/// its events are durable.
/// </summary>
public sealed partial class EventLogWriter : IAsyncDisposable
{
    private const int MaxEventsPerCommit = 10_000;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IEventLog _log;
    private readonly ILogger<EventLogWriter> _logger;
    private readonly Task _loop;

    public EventLogWriter(IEventLog log, ILogger<EventLogWriter> logger)
    {
        _log = log;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Raised after each durable commit that stored at least one new event.</summary>
    public event Action? Appended;

    /// <summary>Writes the events; returns, per event, whether it was new (false: its messageId was already logged).</summary>
    public Task<bool[]> WriteAsync(IReadOnlyList<TailorEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return Task.FromResult(Array.Empty<bool>());
        var pending = new Pending(events, new TaskCompletionSource<bool[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>();
        var events = new List<TailorEvent>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            events.Clear();
            while (events.Count < MaxEventsPerCommit && reader.TryRead(out var pending))
            {
                group.Add(pending);
                events.AddRange(pending.Events);
            }
            try
            {
                var stored = await _log.AppendAsync(events, CancellationToken.None);
                var offset = 0;
                var anyNew = false;
                foreach (var pending in group)
                {
                    var slice = stored.AsSpan(offset, pending.Events.Count).ToArray();
                    offset += pending.Events.Count;
                    anyNew |= Array.IndexOf(slice, true) >= 0;
                    pending.Done.TrySetResult(slice);
                }
                if (anyNew) Appended?.Invoke();
            }
            catch (Exception ex)
            {
                LogAppendFailed(ex, events.Count);
                foreach (var pending in group) pending.Done.TrySetException(ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending {Count} events to the log failed; their requests get 503")]
    private partial void LogAppendFailed(Exception exception, int count);

    private sealed record Pending(IReadOnlyList<TailorEvent> Events, TaskCompletionSource<bool[]> Done);
}
