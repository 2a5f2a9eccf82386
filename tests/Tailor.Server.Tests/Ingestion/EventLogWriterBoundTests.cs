using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Ingestion;
using Tailor.Server.Pipeline;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Ingestion;

/// <summary>
/// The group-commit writer holds at most its bound of events waiting for the log: under overload it refuses more
/// (the API answers 503 and the client retries) instead of growing without bound — the growth found with a heap dump
/// under load with 20 segments (issue 17). The log is the real SQLite store, held still by a gate while it is full.
/// </summary>
public sealed class EventLogWriterBoundTests() : SqliteStoreTest("writer-bound")
{
    protected override ValueTask SetUpAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_write_beyond_the_bound_is_refused_while_the_log_is_behind_and_accepted_once_it_caught_up()
    {
        var log = new GatedLog(Store.Events);
        using var wakeups = new FollowerWakeups();
        await using var writer = new EventLogWriter(log, wakeups, NullLogger<EventLogWriter>.Instance, maxQueuedEvents: 10);
        await writer.StartAsync(Ct);

        var first = writer.WriteAsync(Events("a", 4), Ct); // taken by the loop, which waits in the gate
        await log.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = writer.WriteAsync(Events("b", 6), Ct); // 10 waiting: at the bound, still accepted
        Assert.Equal(10, writer.QueuedEvents);

        var refused = Assert.Throws<EventLogBackloggedException>(() => { _ = writer.WriteAsync(Events("c", 1), Ct); }); // refused at once, not after a wait
        Assert.Contains("10 events", refused.Message, StringComparison.Ordinal);
        Assert.Equal(10, writer.QueuedEvents); // the refused request left nothing behind

        log.Unblocked.SetResult();
        Assert.All(await first, Assert.True);
        Assert.All(await second, Assert.True);
        Assert.Equal(0, writer.QueuedEvents);
        Assert.All(await writer.WriteAsync(Events("c", 1), Ct), Assert.True); // caught up: accepted again
        Assert.Equal(11, await Store.Events.LastSequenceAsync(Ct));
    }

    /// <summary>The store encrypts and encodes a group before it takes the writer: the next group does so while one is written.</summary>
    [Fact]
    public async Task The_next_group_goes_to_the_log_while_the_one_before_it_is_still_being_written()
    {
        var log = new GatedLog(Store.Events);
        using var wakeups = new FollowerWakeups();
        await using var writer = new EventLogWriter(log, wakeups, NullLogger<EventLogWriter>.Instance);
        await writer.StartAsync(Ct);

        var first = writer.WriteAsync(Events("a", 2), Ct);
        await log.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = writer.WriteAsync(Events("b", 3), Ct);
        try
        {
            await log.SecondEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct); // not held back until the first is durable
            Assert.False(first.IsCompleted);
        }
        finally
        {
            log.Unblocked.TrySetResult(); // also when the assertion fails: the writer's disposal waits for its appends
        }

        Assert.Equal(new[] { true, true }, await first);
        Assert.Equal(new[] { true, true, true }, await second);
        Assert.Equal(5, await Store.Events.LastSequenceAsync(Ct));
    }

    [Fact]
    public async Task A_request_larger_than_the_bound_goes_through_an_empty_queue()
    {
        using var wakeups = new FollowerWakeups();
        await using var writer = new EventLogWriter(Store.Events, wakeups, NullLogger<EventLogWriter>.Instance, maxQueuedEvents: 3);
        await writer.StartAsync(Ct);

        Assert.Equal(5, (await writer.WriteAsync(Events("big", 5), Ct)).Length);
        Assert.Equal(0, writer.QueuedEvents);
    }

    private TailorEvent[] Events(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new TailorEvent($"{prefix}-{i}", EventType.Track, "Bound Tested", $"user-{prefix}", null,
            Time.GetUtcNow(), Time.GetUtcNow(), "src_test", $$"""{"type":"track","event":"Bound Tested","userId":"user-{{prefix}}","messageId":"{{prefix}}-{{i}}"}"""))];

    /// <summary>The real log, whose first append waits until <see cref="Unblocked"/> is set: a log that is behind.</summary>
    private sealed class GatedLog(IEventLog inner) : IEventLog
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Unblocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set when a second append arrives while the first still waits in the gate.</summary>
        public TaskCompletionSource SecondEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _entries;

        public async Task<bool[]> AppendAsync(IReadOnlyList<TailorEvent> events, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _entries) == 2 && !Unblocked.Task.IsCompleted) SecondEntered.TrySetResult();
            Entered.TrySetResult();
            await Unblocked.Task.WaitAsync(cancellationToken);
            return await inner.AppendAsync(events, cancellationToken);
        }

        public Task<IReadOnlyList<LoggedEvent>> ReadAfterAsync(long sequence, int max, CancellationToken cancellationToken) => inner.ReadAfterAsync(sequence, max, cancellationToken);

        public Task<IReadOnlyList<LoggedEvent>> ReadSealedAfterAsync(long sequence, int max, CancellationToken cancellationToken) => inner.ReadSealedAfterAsync(sequence, max, cancellationToken);

        public LoggedEvent Open(LoggedEvent stored) => inner.Open(stored);

        public Task<long> LastSequenceAsync(CancellationToken cancellationToken) => inner.LastSequenceAsync(cancellationToken);

        public Task<IReadOnlyList<LoggedEvent>> ProfileEventsAsync(EventQuery query, CancellationToken cancellationToken) => inner.ProfileEventsAsync(query, cancellationToken);
    }
}
