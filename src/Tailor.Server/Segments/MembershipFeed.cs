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
    private readonly ConcurrentDictionary<Channel<MembershipNotice>, string?> _subscribers = new();

    private readonly IDisposable _subscription;

    public MembershipFeed(SegmentEngine engine, ChangeFeed changes) =>
        _subscription = changes.Subscribe(memberships: c => Publish(engine.Catalog, c));

    public void Dispose() => _subscription.Dispose();

    /// <summary>Notices from now on, for one segment (by id) or all; ends when <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<MembershipNotice> SubscribeAsync(string? segmentId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long dropped = 0;
        var channel = Channel.CreateBounded<MembershipNotice>(new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref dropped));
        _subscribers[channel] = segmentId;
        try
        {
            await foreach (var notice in channel.Reader.ReadAllAsync(cancellationToken))
            {
                // The oldest were dropped, so the gap lies before every notice still queued.
                if (Interlocked.Exchange(ref dropped, 0) is > 0 and var missed)
                    yield return new MembershipNotice("missed", segmentId ?? "", "", "", notice.At) { Missed = missed };
                yield return notice;
            }
        }
        finally
        {
            _subscribers.TryRemove(channel, out _);
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
            foreach (var (channel, filter) in _subscribers)
                if (filter is null || filter == change.SegmentId) channel.Writer.TryWrite(notice);
        }
    }
}
