using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tailor.Application.Pipeline;
using Tailor.Core.Delivery;
using Tailor.Core.Destinations;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// The live profile stream behind <c>/v1/profiles/stream</c> (SSE and WebSocket): profile changes and membership
/// changes as they are committed (from the host's <see cref="ChangeFeed"/>), resumable from a position. Each
/// subscriber has a bounded queue of <see cref="QueueLength"/> notices; one that falls that far behind is dropped
/// (its stream ends with <see cref="SlowSubscriberException"/>) rather than letting memory grow, and resumes from
/// the last position it saw. Every notice passes the <see cref="ConsentGate"/> for the subscriber's purpose
/// (<c>personalization</c> unless its stream destination says otherwise): a profile that has not consented sends
/// nothing — no profile notice, no membership change, nothing on a resume.
/// </summary>
public sealed class ProfileStream : IDisposable
{
    public const int QueueLength = 1000;

    /// <summary>The furthest back a resume may start, in events; older positions are refused (reload instead).</summary>
    public const long MaxResumeEvents = 100_000;

    private readonly ConcurrentDictionary<Channel<ProfileNotice>, byte> _subscribers = new();
    private readonly IDisposable _subscription;
    private readonly ProfilePipeline _pipeline;
    private readonly IPositionStore _positions;
    private readonly ITriggerStore _assigned;
    private readonly IDestinationStore _store;
    private readonly ISegmentStore _segments;

    public ProfileStream(ChangeFeed changes, ProfilePipeline pipeline, IPositionStore positions, ITriggerStore assigned, IDestinationStore store, ISegmentStore segments)
    {
        _pipeline = pipeline;
        _positions = positions;
        _assigned = assigned;
        _store = store;
        _segments = segments;
        _subscription = changes.Subscribe(
            profiles => Publish(profiles.Select(p => ProfileNotice.Of(p, Position()))),
            memberships => Publish(memberships.Select(m => new ProfileNotice(m.Entered ? "entered" : "exited", Position(), m.ProfileId, m.At, SegmentId: m.SegmentId))));
    }

    public int Subscribers => _subscribers.Count;

    public void Dispose() => _subscription.Dispose();

    /// <summary>
    /// Notices from now on; with <paramref name="from"/>, first the current state of every profile changed by events
    /// after that position (with its segments). Throws <see cref="ArgumentOutOfRangeException"/> before the first
    /// notice when <paramref name="from"/> is more than <see cref="MaxResumeEvents"/> behind.
    /// </summary>
    public Task<IAsyncEnumerable<ProfileNotice>> SubscribeAsync(long? from, CancellationToken cancellationToken) =>
        SubscribeAsync(from, ConsentPurposes.Personalization, cancellationToken);

    /// <summary>As <see cref="SubscribeAsync(long?, CancellationToken)"/>, with only profiles that consented to <paramref name="purpose"/>.</summary>
    public async Task<IAsyncEnumerable<ProfileNotice>> SubscribeAsync(long? from, string purpose, CancellationToken cancellationToken)
    {
        var now = await _positions.FoldedUpToAsync(cancellationToken); // from the store: this node may not be the one folding
        Raise(now); // a start for split-fold notices
        if (from is { } f && (f < 0 || now - f > MaxResumeEvents))
            throw new ArgumentOutOfRangeException(nameof(from), $"must be at most {MaxResumeEvents} events behind the current position {now}; reconnect without one and reload the profiles");
        // Registered before the resume is read, so nothing committed in between is missed (it may come twice).
        var channel = Channel.CreateBounded<ProfileNotice>(new BoundedChannelOptions(QueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _subscribers[channel] = 0;
        return Read(channel, from, now, purpose, cancellationToken);
    }

    private async IAsyncEnumerable<ProfileNotice> Read(Channel<ProfileNotice> channel, long? from, long now, string purpose, [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            if (from is { } f && f < now)
            {
                await foreach (var notice in ResumeAsync(f, now, ct))
                    if (await ConsentedAsync(notice, purpose, ct)) yield return notice;
            }
            await foreach (var notice in channel.Reader.ReadAllAsync(ct))
                if (await ConsentedAsync(notice, purpose, ct)) yield return notice;
        }
        finally
        {
            _subscribers.TryRemove(channel, out _);
        }
    }

    private async IAsyncEnumerable<ProfileNotice> ResumeAsync(long from, long upTo, [EnumeratorCancellation] CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var after = from; after < upTo;)
        {
            var events = await _assigned.AssignedEventsAsync(after, upTo, 5000, ct);
            if (events.Count == 0) break;
            foreach (var e in events) ids.Add(e.ProfileId);
            after = events[^1].Sequence;
        }
        foreach (var page in ids.Order(StringComparer.Ordinal).Chunk(500))
        {
            var profiles = await _store.ProfilesAsync(page, ct);
            foreach (var id in page)
            {
                if (!profiles.TryGetValue(id, out var profile)) continue;
                var segments = profile.MergedInto is null ? [.. (await _segments.MembershipsAsync(id, ct)).Order(StringComparer.Ordinal)] : (IReadOnlyList<string>)[];
                yield return ProfileNotice.Of(profile, upTo, segments);
            }
        }
    }

    /// <summary>
    /// The gate: a live profile notice answers with the profile it carries; a merged one (the survivor's consent) and a
    /// membership change (which carries no profile) with the profile as stored now.
    /// </summary>
    private async ValueTask<bool> ConsentedAsync(ProfileNotice notice, string purpose, CancellationToken ct)
    {
        if (notice.Subject is { MergedInto: null } subject) return ConsentGate.Refusal(subject, purpose) is null;
        var consent = await ConsentLookup.LoadConsentAsync(_store, [notice.ProfileId], ct);
        return consent.Refusal(notice.ProfileId, purpose) is null;
    }

    // On the committing thread, right after the pipeline's commit: its cached position is the commit's.
    private long Position()
    {
        if (_pipeline.ResolvesOnly) return SplitFoldPosition();
        var position = _pipeline.PositionAsync(CancellationToken.None);
        return position.IsCompletedSuccessfully ? position.Result : 0;
    }

    private long _foldedUpTo;
    private int _refreshing;

    /// <summary>Moves the split fold's last read position up to <paramref name="read"/>, never down.</summary>
    private void Raise(long read)
    {
        long seen;
        while ((seen = Interlocked.Read(ref _foldedUpTo)) < read && Interlocked.CompareExchange(ref _foldedUpTo, read, seen) != seen) { }
    }

    /// <summary>
    /// With the fold split, a notice's position is the lowest partition's as last read: it only grows, so a value read
    /// earlier is never ahead of what the notice's profile holds, and a resume from it replays more, never less.
    /// </summary>
    private long SplitFoldPosition()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0) _ = RefreshAsync();
        return Interlocked.Read(ref _foldedUpTo);

        async Task RefreshAsync()
        {
            try { Raise(await _positions.FoldedUpToAsync(CancellationToken.None)); }
            catch (Exception e) when (e is not OutOfMemoryException) { } // the last value stays: lower is safe
            finally { Volatile.Write(ref _refreshing, 0); }
        }
    }

    private void Publish(IEnumerable<ProfileNotice> notices)
    {
        if (_subscribers.IsEmpty) return;
        foreach (var notice in notices)
            foreach (var channel in _subscribers.Keys)
                if (!channel.Writer.TryWrite(notice))
                {
                    // Full: this subscriber is too slow. End its stream; it resumes from its last position.
                    channel.Writer.TryComplete(new SlowSubscriberException(QueueLength));
                    _subscribers.TryRemove(channel, out _);
                }
    }
}
