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
/// At most <paramref name="maxQueuedEvents"/> events wait for the log: beyond that a write is refused at once
/// (<see cref="EventLogBackloggedException"/>, a 503 the client retries) instead of queueing without bound — under
/// overload the queue was what grew the server's memory (issue 17: a heap dump held 367,525 waiting events).
/// </summary>
public sealed partial class EventLogWriter(IEventLog log, FollowerWakeups wakeups, ILogger<EventLogWriter> logger, int maxQueuedEvents = EventLogWriter.DefaultMaxQueuedEvents)
    : IHostedService, IAsyncDisposable
{
    /// <summary>Events accepted and not yet written, by default: about 100 MB of requests at the load's 725 B per message.</summary>
    public const int DefaultMaxQueuedEvents = 100_000;

    private const int MaxEventsPerCommit = 10_000;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;
    private long _queued; // events accepted by WriteAsync and not yet answered

    /// <summary>Events waiting for the log or being written now; never more than the bound (plus one request when the queue was empty).</summary>
    public long QueuedEvents => Interlocked.Read(ref _queued);

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
        var queued = Interlocked.Add(ref _queued, events.Count);
        if (queued > maxQueuedEvents && queued > events.Count) // a request larger than the bound still goes through an empty queue
        {
            Interlocked.Add(ref _queued, -events.Count);
            throw new EventLogBackloggedException(maxQueuedEvents);
        }
        var pending = new Pending(events, new TaskCompletionSource<bool[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _queued, -events.Count);
            throw new ObjectDisposedException(nameof(EventLogWriter));
        }
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Group commits under way at once. The store's append encrypts and encodes a group before it takes the single
    /// writer; with two under way, the next group does that on another core while this one is written, instead of
    /// on the writer's serial path. Groups are independent requests, so their order in the log is free.
    /// </summary>
    private const int AppendsUnderWay = 2;

    private async Task RunAsync()
    {
        await Task.Yield(); // the host's start goes on while the loop waits for the first request
        var reader = _queue.Reader;
        var underWay = new Queue<Task>(AppendsUnderWay);
        while (await reader.WaitToReadAsync())
        {
            var group = new List<Pending>();
            var events = new List<TailorEvent>();
            while (events.Count < MaxEventsPerCommit && reader.TryRead(out var pending))
            {
                group.Add(pending);
                events.AddRange(pending.Events);
            }
            underWay.Enqueue(Task.Run(() => CommitGroupAsync(group, events)));
            if (underWay.Count == AppendsUnderWay) await underWay.Dequeue();
        }
        await Task.WhenAll(underWay);
    }

    /// <summary>One group commit: the events of <paramref name="group"/>'s requests in one append, each request answered with its slice.</summary>
    private async Task CommitGroupAsync(List<Pending> group, List<TailorEvent> events)
    {
        bool[] stored = [];
        Exception? failure = null;
        try { stored = await log.AppendAsync(events, CancellationToken.None); }
        catch (Exception ex) { failure = ex; }
        Interlocked.Add(ref _queued, -events.Count); // before the answers: a caller that has its answer no longer counts as queued
        if (failure is not null)
        {
            LogAppendFailed(failure, events.Count);
            foreach (var pending in group) pending.Done.TrySetException(failure);
            return;
        }
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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop) await loop;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending {Count} events to the log failed; their requests get 503")]
    private partial void LogAppendFailed(Exception exception, int count);

    private sealed record Pending(IReadOnlyList<TailorEvent> Events, TaskCompletionSource<bool[]> Done);
}
