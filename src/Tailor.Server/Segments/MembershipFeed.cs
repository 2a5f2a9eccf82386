using System.Collections.Concurrent;
using System.Threading.Channels;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Application.Segments;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Segments;

/// <summary>A membership change as subscribers see it; or, with type <c>missed</c>, how many older notices were dropped at that point.</summary>
public sealed record MembershipNotice(string Type, string SegmentId, string Segment, string ProfileId, DateTimeOffset At)
{
    /// <summary>The notices a subscriber that fell behind lost just before this point (only on a <c>missed</c> notice).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? Missed { get; init; }
}

/// <summary>
/// Fans committed membership changes out to live subscribers (the Server-Sent Events stream). Each subscriber has
/// its own bounded queue; a subscriber that falls behind loses its oldest notices rather than slowing the engine, and
/// is told: a <c>missed</c> notice with their count comes before the next one it gets (it can read the members again).
/// Reads the host's <see cref="ChangeFeed"/> from the moment it is first needed: before that, nobody is listening.
/// </summary>
public sealed class MembershipFeed : IDisposable
{
    internal const int QueueLength = 10_000;
    private readonly ConcurrentDictionary<Subscriber, byte> _subscribers = new();

    private readonly IDisposable _subscription;

    public MembershipFeed(SegmentEngine engine, ChangeFeed changes) =>
        _subscription = changes.Subscribe(memberships: c => Publish(engine.Catalog, c));

    public void Dispose() => _subscription.Dispose();

    /// <summary>
    /// Notices from the moment of this call on (not of the first read), for one segment (by id) or all; ends when
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    public IAsyncEnumerable<MembershipNotice> SubscribeAsync(string? segmentId, CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(segmentId);
        _subscribers[subscriber] = 0;
        // Reading ends the subscription; so does the token, for a stream dropped before its first read.
        subscriber.Ending = cancellationToken.Register(() => _subscribers.TryRemove(subscriber, out _));
        return ReadAsync(subscriber, cancellationToken);
    }

    private async IAsyncEnumerable<MembershipNotice> ReadAsync(Subscriber subscriber, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            long last = 0;
            await foreach (var (number, notice) in subscriber.Notices.Reader.ReadAllAsync(cancellationToken))
            {
                // Notices are numbered as they are queued, and the queue drops its oldest: a gap in the numbers is
                // exactly what was lost, and where.
                if (number > last + 1)
                    yield return new MembershipNotice("missed", subscriber.SegmentId ?? "", "", "", notice.At) { Missed = number - last - 1 };
                last = number;
                yield return notice;
            }
        }
        finally
        {
            _subscribers.TryRemove(subscriber, out _);
            await subscriber.Ending.DisposeAsync();
        }
    }

    public int Subscribers => _subscribers.Count;

    private void Publish(SegmentCatalog catalog, IReadOnlyList<MembershipChange> changes)
    {
        if (_subscribers.IsEmpty) return;
        foreach (var change in changes)
        {
            var notice = new MembershipNotice(change.Entered ? "entered" : "exited", change.SegmentId,
                catalog.ById(change.SegmentId)?.Name ?? change.SegmentId, change.ProfileId, change.At);
            foreach (var subscriber in _subscribers.Keys)
                if (subscriber.SegmentId is null || subscriber.SegmentId == change.SegmentId) subscriber.Enqueue(notice);
        }
    }

    private sealed class Subscriber(string? segmentId)
    {
        private readonly Lock _order = new();
        private long _queued;

        public string? SegmentId { get; } = segmentId;

        public CancellationTokenRegistration Ending { get; set; }

        public Channel<(long Number, MembershipNotice Notice)> Notices { get; } = Channel.CreateBounded<(long, MembershipNotice)>(
            new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        /// <summary>Numbers and queues a notice; commits may publish from several threads, and the numbers must follow the queue's order.</summary>
        public void Enqueue(MembershipNotice notice)
        {
            lock (_order) Notices.Writer.TryWrite((++_queued, notice));
        }
    }
}
