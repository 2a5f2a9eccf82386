using System.Diagnostics;
using System.Threading.Channels;
using Tailor.Application.Triggers;
using Tailor.Core.Delivery;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Delivery;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Triggers;

/// <summary>
/// Empties the trigger outbox: claims due deliveries (one node gets each), hands each to the
/// <see cref="IDeliveryChannel"/> of its kind (email, webhook, profile change) and records the outcome. Failed webhooks and
/// transient email failures are retried with backoff as durable due times; after the last try they are dead letters.
/// A delivery whose run throws (a renderer or sender failing in a way that is not a delivery failure) is retried the
/// same way, and when it is dead it is also set aside in the dead-letter store (stage <see cref="Stage"/>) for replay.
/// A follower run by <see cref="FollowerHost"/>, which cannot isolate items: each delivery already runs on its own.
/// </summary>
public sealed partial class DeliveryWorker(ITriggerStore store, IDeadLetterStore deadLetters, IEnumerable<IDeliveryChannel> channels,
    RetryPolicy retries, TimeProvider time, ILogger<DeliveryWorker> logger, FollowerWakeups wakeups, IServiceProvider services,
    IStageProbe? probe = null) : ILogFollower, IDisposable
{
    /// <summary>The dead-letter stage of deliveries whose run threw.</summary>
    public const string Stage = "deliveries";

    private const int CommitBatch = 1000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>A delivery still "sending" this long after its claim was abandoned by a node that died mid-send.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);
    private DateTimeOffset _nextRecovery = DateTimeOffset.MinValue;
    // Cluster mode: only the holder of this partition claims deliveries, so claims left "sending" when it takes the
    // partition were made by a holder that lost it (killed): recovered at once, not after the lease. Its own claims
    // still in flight (sent, or not yet committed) are the exception.
    private bool _recoverEveryClaim;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private Task? _committer;
    // Slow email (one SMTP transaction each) has a lane of its own, so a backlog of mail never holds up webhooks.
    private readonly Lane[] _lanes = [new(DeliveryLane.NotEmail, 64), new(DeliveryLane.Email, 16)];
    private readonly Dictionary<string, IDeliveryChannel> _channels = channels.ToDictionary(c => c.Kind, StringComparer.Ordinal);
    private readonly Channel<DeliveryResult> _results = Channel.CreateUnbounded<DeliveryResult>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Wakes the worker now (new deliveries were queued, or a dead letter was put back).</summary>
    public void Wake() => wakeups.Wake(Stage);

    public string Name => Stage;

    public int IsolationWindow => 0;

    /// <summary>Woken when the trigger engine queued actions.</summary>
    public IReadOnlyList<string> Follows { get; } = [TriggerEngine.Stage];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _committer ??= Task.Run(() => CommitLoopAsync(CancellationToken.None), CancellationToken.None);
        _recoverEveryClaim = Leased;
        return Task.CompletedTask;
    }

    /// <summary>Taken back from another node, which may have died with deliveries claimed.</summary>
    public Task ResumeAsync(CancellationToken cancellationToken)
    {
        _recoverEveryClaim = Leased;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether partitions are leased (cluster mode). Looked up when the host starts or resumes this follower, not
    /// injected: the cluster membership depends on the followers, so a constructor parameter would be a cycle.
    /// </summary>
    private bool Leased => services.GetService(typeof(IFollowerOwnership)) is not null;

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deliveries due now and not yet claimed.</summary>
    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken) =>
        new(null, await store.DueDeliveryCountAsync(time.GetUtcNow(), cancellationToken));

    private sealed class Lane(DeliveryLane kind, int capacity) : IDisposable
    {
        public DeliveryLane Kind { get; } = kind;
        public int Capacity { get; } = capacity;
        public SemaphoreSlim Slots { get; } = new(capacity, capacity);

        /// <summary>Claims wait for half the lane to be free: a claim is a write transaction, not to be paid per delivery.</summary>
        public bool Open => Slots.CurrentCount >= Capacity / 2;

        public void Dispose() => Slots.Dispose();
    }

    /// <summary>
    /// A pipeline rather than rounds: deliveries are claimed as slots free up, each runs on its own, and outcomes are
    /// committed in batches as they finish, so one slow send never holds up the rest.
    /// </summary>
    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        if (_recoverEveryClaim || time.GetUtcNow() >= _nextRecovery)
        {
            await RecoverInterruptedAsync(_recoverEveryClaim ? time.GetUtcNow().AddMilliseconds(1) : time.GetUtcNow() - ClaimLease, cancellationToken);
            _recoverEveryClaim = false;
            _nextRecovery = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        }
        var claimed = 0;
        foreach (var lane in _lanes)
        {
            if (!lane.Open) continue;
            var batch = await store.ClaimDeliveriesAsync(time.GetUtcNow(), lane.Slots.CurrentCount, lane.Kind, cancellationToken);
            foreach (var d in batch)
            {
                _inFlight[d.Id] = 0;
                await lane.Slots.WaitAsync(cancellationToken);
                _ = Task.Run(() => RunInSlotAsync(d, lane, cancellationToken), CancellationToken.None);
            }
            claimed += batch.Count;
        }
        if (claimed > 0) return new(claimed);
        // Something due now that no open lane took belongs to a full lane: a finishing send wakes us.
        var next = await store.NextDueAsync(cancellationToken);
        return FollowerStep.Idle(next is { } due && due > time.GetUtcNow() ? due : null);
    }

    public async Task StopAsync()
    {
        // Let running sends finish (they see the cancellation) and their outcomes be recorded.
        var drained = Stopwatch.StartNew();
        foreach (var lane in _lanes)
        {
            for (var i = 0; i < lane.Capacity; i++)
            {
                var left = TimeSpan.FromSeconds(5) - drained.Elapsed;
                if (left <= TimeSpan.Zero || !await lane.Slots.WaitAsync(left, CancellationToken.None)) break;
            }
        }
        _results.Writer.TryComplete();
        if (_committer is not null) await _committer;
    }

    private async Task RunInSlotAsync(ActionDelivery d, Lane lane, CancellationToken ct)
    {
        try
        {
            DeliveryResult result;
            try
            {
                result = await RunAsync(d, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                result = Failed(d, ex.Message, retry: d.Kind != EmailPayload.KindName); // an email in doubt is not sent twice
                if (result.Status == DeliveryStatus.Dead) await SetAsideAsync(d, ex, ct);
            }
            _results.Writer.TryWrite(result);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the claim stays "sending" and is recovered after the lease.
            _inFlight.TryRemove(d.Id, out _);
        }
        finally
        {
            lane.Slots.Release();
            Wake();
        }
    }

    /// <summary>A delivery that threw until it had no tries left goes to the dead-letter store too, to be replayed once fixed.</summary>
    private async Task SetAsideAsync(ActionDelivery d, Exception error, CancellationToken ct)
    {
        try
        {
            await deadLetters.AddDeadLetterAsync(DeadLetter.For(Stage, d.Id, null, d.Payload, error, d.Attempts, time.GetUtcNow()), ct);
            LogSetAside(d.Id, error.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex); // the outbox row is dead all the same; it is listed under the trigger's dead letters
        }
    }

    private async Task CommitLoopAsync(CancellationToken ct)
    {
        var batch = new List<DeliveryResult>(CommitBatch);
        while (await _results.Reader.WaitToReadAsync(ct))
        {
            while (batch.Count < CommitBatch && _results.Reader.TryRead(out var result)) batch.Add(result);
            try
            {
                await store.CompleteDeliveriesAsync(batch, ct);
                foreach (var done in batch) _inFlight.TryRemove(done.Id, out _);
                batch.Clear();
            }
            catch (Exception ex)
            {
                LogFailed(ex); // keep the batch and try again
                await Task.Delay(PollInterval, time, ct);
            }
        }
    }

    /// <summary>
    /// Deliveries whose node died mid-send: a webhook or profile change goes again (the receiver dedupes by
    /// Idempotency-Key, the log by message id); an email does not, because it may have been accepted (at most once).
    /// </summary>
    private async Task RecoverInterruptedAsync(DateTimeOffset claimedBefore, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        const string interrupted = "interrupted mid-send (the node stopped)";
        var abandoned = (await store.InterruptedDeliveriesAsync(claimedBefore, CommitBatch, ct)).Where(d => !_inFlight.ContainsKey(d.Id));
        await store.CompleteDeliveriesAsync([.. abandoned.Select(d => d.Kind == EmailPayload.KindName
            ? new DeliveryResult(d.Id, DeliveryStatus.Failed, now, interrupted, Log(d, "failed", $"{interrupted}; not resent, it may have been accepted"))
            : new DeliveryResult(d.Id, DeliveryStatus.Pending, now, interrupted, Log(d, "retry", $"{interrupted}; sent again under the same idempotency key")))], ct);
    }

    private async Task<DeliveryResult> RunAsync(ActionDelivery d, CancellationToken ct)
    {
        probe?.BeforeItem(Stage, d.Id);
        if (!_channels.TryGetValue(d.Kind, out var channel)) return Done(d, DeliveryStatus.Dead, "dead", $"unknown delivery kind {d.Kind}");
        var result = await channel.SendAsync(d, ct);
        Observability.TailorMetrics.Delivered(d.Kind, result.Outcome switch { ChannelOutcome.Sent => "sent", ChannelOutcome.Retry => "retry", _ => "dead" });
        return result.Outcome switch
        {
            ChannelOutcome.Sent => Done(d, DeliveryStatus.Sent, "sent", result.Detail),
            ChannelOutcome.Retry => Failed(d, result.Detail, retry: true),
            ChannelOutcome.ConsentRefused => Done(d, DeliveryStatus.Failed, "consent-refused", result.Detail),
            _ => Done(d, DeliveryStatus.Dead, "dead", result.Detail),
        };
    }

    private DeliveryResult Failed(ActionDelivery d, string error, bool retry)
    {
        if (retry && d.Attempts < d.MaxAttempts)
        {
            var due = time.GetUtcNow() + retries.Delay(d.Attempts);
            return new DeliveryResult(d.Id, DeliveryStatus.Pending, due, error,
                Log(d, "retry", $"attempt {d.Attempts} of {d.MaxAttempts} failed ({error}); next try at {due:O}"));
        }
        return Done(d, DeliveryStatus.Dead, "dead", retry ? $"attempt {d.Attempts} of {d.MaxAttempts} failed ({error}); no tries left" : error, error);
    }

    private DeliveryResult Done(ActionDelivery d, DeliveryStatus status, string kind, string detail, string? error = null)
    {
        var now = time.GetUtcNow();
        return new DeliveryResult(d.Id, status, now, error ?? (status == DeliveryStatus.Sent ? null : detail), Log(d, kind, detail));
    }

    private ExecutionLogEntry Log(ActionDelivery d, string kind, string detail) =>
        new(d.RunId, d.TriggerId, d.ProfileId, time.GetUtcNow(), d.Id[(d.Id.LastIndexOf(':') + 1)..], kind, detail);

    public void Dispose()
    {
        foreach (var lane in _lanes) lane.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A trigger delivery step failed; it will be retried")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} threw until it had no tries left; set aside in the dead-letter store: {Reason}")]
    private partial void LogSetAside(string deliveryId, string reason);
}
