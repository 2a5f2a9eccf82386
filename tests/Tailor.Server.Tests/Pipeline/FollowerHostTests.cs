using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Tests.Pipeline;

/// <summary>The host's failure policy on a fake clock: retries with backoff, isolation of the failing item, setting it aside, no sleeps.</summary>
public sealed class FollowerHostTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    // Polling in wall time is for other nodes; an hour keeps it out of these tests.
    private static readonly FollowerPolicy Policy = new() { PollInterval = TimeSpan.FromHours(1) };
    private readonly BackoffClock _time = new(Start);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FollowerWakeups _wakeups = new();

    private FollowerHost Host(ScriptedFollower follower, FollowerPolicy? policy = null) =>
        new([follower], _wakeups, policy ?? Policy, new NoDeadLetters(), _time, NullLogger<FollowerHost>.Instance);

    /// <summary>Waits (bounded, in wall time) until the background loop reaches a state; the clock only moves when the test moves it.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"never: {what}");
            await Task.Delay(5, Ct);
        }
    }

    /// <summary>
    /// Waits until the host has started its next backoff wait on the fake clock. Advancing the clock before the host
    /// has created that timer would be lost (the timer would count from the advanced time), so every advance that
    /// ends a backoff first waits here.
    /// </summary>
    private async Task NextBackoffAsync()
    {
        var seen = ++_backoffsSeen;
        await UntilAsync(() => _time.Backoffs >= seen, $"backoff {seen} starts");
    }

    private int _backoffsSeen;

    [Fact]
    public void Backoff_doubles_from_one_second_up_to_a_minute()
    {
        var policy = new FollowerPolicy();
        Assert.Equal(3, policy.Attempts);
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], Enumerable.Range(1, 8).Select(n => policy.BackoffAfter(n).TotalSeconds));
    }

    [Fact]
    public async Task A_poison_item_is_retried_with_backoff_isolated_set_aside_and_the_items_after_it_are_processed()
    {
        var follower = new ScriptedFollower(items: 12, batchSize: 5, poisoned: 4);
        using var host = Host(follower);
        await host.StartAsync(Ct);

        await UntilAsync(() => follower.Read(f => f.Failures) == 1, "the first batch fails");
        await NextBackoffAsync();
        _time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50, Ct);
        Assert.Equal(1, follower.Read(f => f.Failures)); // still backing off: one second after the first failure
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await UntilAsync(() => follower.Read(f => f.Failures) == 2, "the second try");
        await NextBackoffAsync();
        _time.Advance(TimeSpan.FromSeconds(2));
        // The third failure starts the isolation at once: items 1-3 pass alone, 4 fails alone.
        await UntilAsync(() => follower.Read(f => f.Failures) == 4, "the poison item fails alone");
        Assert.Equal([1, 2, 3], follower.Read(f => f.Processed.ToArray()));
        Assert.Equal("isolating", (await host.StatusAsync(Ct)).Single().State);
        await NextBackoffAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await UntilAsync(() => follower.Read(f => f.Failures) == 5, "the poison item's second try");
        await NextBackoffAsync();
        _time.Advance(TimeSpan.FromSeconds(2));

        await UntilAsync(() => follower.Read(f => f.Processed.Count) == 11, "the items after it are processed");
        Assert.Equal([(4, 3, "item 4 is poison")], follower.Read(f => f.SetAside.ToArray()));
        Assert.Equal([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12], follower.Read(f => f.Processed.ToArray()));
        var status = (await host.StatusAsync(Ct)).Single();
        Assert.Equal(("scripted", "running", 0L, "item 4 is poison"), (status.Name, status.State, status.Lag, status.LastError));
        Assert.Equal(Start.AddSeconds(6), _time.GetUtcNow()); // 1 + 2 s backing off the batch, 1 + 2 s the item; never slept
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_failure_that_is_not_one_items_makes_the_follower_wait_and_sets_nothing_aside()
    {
        var follower = new ScriptedFollower(items: 6, batchSize: 3) { Down = true };
        using var host = Host(follower);
        await host.StartAsync(Ct);

        // Batches fail, then single items fail, and setting aside fails too (the store is away): the host keeps
        // backing off, longer each time, and never skips an item.
        for (var failures = 1; failures <= 8; failures++)
        {
            await UntilAsync(() => follower.Read(f => f.Failures) >= failures, $"failure {failures}");
            await NextBackoffAsync();
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        var waiting = (await host.StatusAsync(Ct)).Single();
        Assert.Equal("store away", waiting.LastError);
        Assert.Empty(follower.Read(f => f.SetAside.ToArray()));

        follower.Down = false;
        await NextBackoffAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        await UntilAsync(() => follower.Read(f => f.Processed.Count) == 6, "everything is processed once the store is back");
        Assert.Empty(follower.Read(f => f.SetAside.ToArray()));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_batch_that_fails_once_is_retried_and_nothing_is_isolated()
    {
        var follower = new ScriptedFollower(items: 4, batchSize: 10) { Down = true };
        using var host = Host(follower);
        await host.StartAsync(Ct);
        await UntilAsync(() => follower.Read(f => f.Failures) == 1, "the first batch fails");
        follower.Down = false;
        await NextBackoffAsync();
        _time.Advance(TimeSpan.FromSeconds(1));

        await UntilAsync(() => follower.Read(f => f.Processed.Count) == 4, "the retry processes the batch");
        Assert.Equal(2, follower.Read(f => f.Steps) - 1); // the failed batch, the whole batch again, then the idle step
        Assert.Equal("running", (await host.StatusAsync(Ct)).Single().State);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task An_idle_follower_runs_when_woken_and_when_its_next_moment_comes_on_the_clock()
    {
        var follower = new ScriptedFollower(items: 0, batchSize: 10) { NextDue = Start.AddMinutes(10) };
        using var host = Host(follower);
        await host.StartAsync(Ct);
        await UntilAsync(() => follower.Read(f => f.Steps) == 1, "the first idle step");

        follower.Read(f => f.Items = 2);
        _wakeups.Signal("upstream"); // what it follows committed work
        await UntilAsync(() => follower.Read(f => f.Processed.Count) == 2, "a wake-up runs a step");
        var steps = follower.Read(f => f.Steps);

        _time.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(50, Ct);
        Assert.Equal(steps, follower.Read(f => f.Steps));
        _time.Advance(TimeSpan.FromMinutes(1));
        await UntilAsync(() => follower.Read(f => f.Steps) > steps, "the due moment runs a step");
        await host.StopAsync(Ct);
    }

    /// <summary>A fake clock that counts the backoff waits started on it (any timer shorter than the hour-long poll).</summary>
    private sealed class BackoffClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _backoffs;
        public int Backoffs => Volatile.Read(ref _backoffs);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.Zero && dueTime < Policy.PollInterval) Interlocked.Increment(ref _backoffs);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>The host reads only the pending counts (for the status); the followers write their own entries.</summary>
    private sealed class NoDeadLetters : IDeadLetterStore
    {
        public Task<DeadLetter> AddDeadLetterAsync(DeadLetter entry, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<DeadLetter?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) => Task.FromResult<DeadLetter?>(null);
        public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DeadLetter>>([]);
        public Task<IReadOnlyDictionary<string, long>> PendingDeadLettersAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());
        public Task<bool> MarkDeadLetterReplayedAsync(long id, DateTimeOffset at, string note, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
