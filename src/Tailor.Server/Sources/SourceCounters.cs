using System.Collections.Concurrent;

namespace Tailor.Server.Sources;

/// <summary>What each webhook source's requests met on this node since it started: the live half of a source's status.</summary>
public sealed class SourceCounters
{
    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    public void Received(string id, DateTimeOffset at)
    {
        var c = Of(id);
        Interlocked.Increment(ref c.Received);
        c.LastReceivedAt = at;
    }

    public void Rejected(string id) => Interlocked.Increment(ref Of(id).Rejected);

    public void Throttled(string id) => Interlocked.Increment(ref Of(id).Throttled);

    public (long Received, long Rejected, long Throttled, DateTimeOffset? LastReceivedAt) Read(string id) =>
        _counts.TryGetValue(id, out var c) ? (Interlocked.Read(ref c.Received), Interlocked.Read(ref c.Rejected), Interlocked.Read(ref c.Throttled), c.LastReceivedAt) : (0, 0, 0, null);

    private Counts Of(string id) => _counts.GetOrAdd(id, _ => new Counts());

    private sealed class Counts
    {
        public long Received;
        public long Rejected;
        public long Throttled;
        public DateTimeOffset? LastReceivedAt;
    }
}
