using System.Threading.Channels;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Ingestion;

/// <summary>
/// Group commit for the event log: requests that arrive while a write is in flight are written together in the next
/// transaction, so one durable commit (one fsync) acknowledges many requests. A request's task completes only after
/// its events are durable. A hosted service: it writes from start until stop, and on stop it drains what it accepted
/// before the store closes. After each commit that stored a new event it signals <see cref="FollowerWakeups.Log"/>.
/// </summary>
public sealed partial class EventLogWriter(IEventLog log, FollowerWakeups wakeups, ILogger<EventLogWriter> logger) : IHostedService, IAsyncDisposable
{
    private const int MaxEventsPerCommit = 10_000;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= RunAsync();
        return Task.CompletedTask;
    }

    /// <summary>Takes no more events and waits until those accepted are written (or <paramref name="cancellationToken"/>, the host's stop timeout, fires).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop) await loop.WaitAsync(cancellationToken);
    }

    /// <summary>Writes the events; returns, per event, whether it was new (false: its messageId was already logged).</summary>
    public Task<bool[]> WriteAsync(IReadOnlyList<TailorEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return Task.FromResult(Array.Empty<bool>());
        if (_loop is null) throw new InvalidOperationException("The event log writer is not started: start the host (or the writer) first.");
        var pending = new Pending(events, new TaskCompletionSource<bool[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        await Task.Yield(); // the host's start goes on while the loop waits for the first request
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
                var stored = await log.AppendAsync(events, CancellationToken.None);
                var offset = 0;
                var anyNew = false;
                foreach (var pending in group)
                {
                    var slice = stored.AsSpan(offset, pending.Events.Count).ToArray();
                    offset += pending.Events.Count;
                    anyNew |= Array.IndexOf(slice, true) >= 0;
                    pending.Done.TrySetResult(slice);
                }
                if (anyNew) wakeups.Signal(FollowerWakeups.Log);
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
        if (_loop is { } loop) await loop;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending {Count} events to the log failed; their requests get 503")]
    private partial void LogAppendFailed(Exception exception, int count);

    private sealed record Pending(IReadOnlyList<TailorEvent> Events, TaskCompletionSource<bool[]> Done);
}
