using System.Collections.Concurrent;
using System.Threading.Channels;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Application.Segments;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Segments;

/// <summary>A membership change as subscribers see it.</summary>
public sealed record MembershipNotice(string Type, string SegmentId, string Segment, string ProfileId, DateTimeOffset At);

/// <summary>
/// Fans committed membership changes out to live subscribers (the Server-Sent Events stream). Each subscriber has
/// its own bounded queue; a subscriber that falls behind loses its oldest notices rather than slowing the engine.
/// Reads the host's <see cref="ChangeFeed"/> from the moment it is first needed: before that, nobody is listening.
/// </summary>
public sealed class MembershipFeed : IDisposable
{
    private const int QueueLength = 10_000;
    private readonly ConcurrentDictionary<Channel<MembershipNotice>, string?> _subscribers = new();

    private readonly IDisposable _subscription;

    public MembershipFeed(SegmentEngine engine, ChangeFeed changes) =>
        _subscription = changes.Subscribe(memberships: c => Publish(engine.Catalog, c));

    public void Dispose() => _subscription.Dispose();

    /// <summary>Notices from now on, for one segment (by id) or all; ends when <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<MembershipNotice> SubscribeAsync(string? segmentId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<MembershipNotice>(new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers[channel] = segmentId;
        try
        {
            await foreach (var notice in channel.Reader.ReadAllAsync(cancellationToken)) yield return notice;
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
