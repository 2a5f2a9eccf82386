using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Tailor.Server.Pipeline;

/// <summary>
/// The wake-ups of this node's followers, owned by the host. Work is announced by name: the event log writer
/// signals <see cref="Log"/> after each durable append, and <see cref="FollowerHost"/> signals a follower's name after
/// each step that committed work; every follower that follows that name (<see cref="ILogFollower.Follows"/>) wakes.
/// When the node shares its store with others (PostgreSQL), each signal is also queued for
/// <see cref="PostgresWakeups"/> to announce to the other nodes. Signals before a follower first waits are not lost:
/// a follower always takes a first step when it starts.
/// </summary>
public sealed class FollowerWakeups : IDisposable
{
    /// <summary>The name of a durable append to the event log.</summary>
    public const string Log = "log";

    private const int AnnouncementQueue = 1024;
    private readonly ConcurrentDictionary<string, WakeSignal> _signals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _followers = new(StringComparer.Ordinal); // followed name -> followers
    private readonly Channel<string>? _announcements;

    /// <param name="acrossNodes">Whether signals are also announced to other nodes sharing the store.</param>
    public FollowerWakeups(bool acrossNodes = false)
    {
        // A full queue drops the newest: the names queued already wake the same followers, and the poll covers the rest.
        if (acrossNodes) _announcements = Channel.CreateBounded<string>(new BoundedChannelOptions(AnnouncementQueue) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    }

    /// <summary>Declares that <paramref name="follower"/> has work when any of <paramref name="follows"/> is signalled; returns its wake signal.</summary>
    public WakeSignal Register(string follower, IEnumerable<string> follows)
    {
        foreach (var name in follows)
            _followers.AddOrUpdate(name, [follower], (_, list) => list.Contains(follower) ? list : [.. list, follower]);
        return SignalOf(follower);
    }

    /// <summary>Work was committed under <paramref name="name"/>: wakes its followers here and, across nodes, everywhere.</summary>
    public void Signal(string name)
    {
        if (!_followers.ContainsKey(name)) return; // nothing follows it: nothing to wake anywhere (every node runs the same followers)
        Receive(name);
        _announcements?.Writer.TryWrite(name);
    }

    /// <summary>Another node announced work under <paramref name="name"/>: wakes its followers here only.</summary>
    public void Receive(string name)
    {
        if (_followers.TryGetValue(name, out var followers))
            foreach (var follower in followers) SignalOf(follower).Set();
    }

    /// <summary>Wakes every follower of this node (after missing announcements: each looks once).</summary>
    public void ReceiveAll()
    {
        foreach (var signal in _signals.Values) signal.Set();
    }

    /// <summary>Wakes one follower of this node by its name (new work for it that nothing else announces, e.g. a trigger enabled).</summary>
    public void Wake(string follower) => SignalOf(follower).Set();

    /// <summary>Names to announce to the other nodes; completes never, and is empty unless the node shares its store.</summary>
    internal ChannelReader<string>? Announcements => _announcements?.Reader;

    private WakeSignal SignalOf(string follower) => _signals.GetOrAdd(follower, _ => new WakeSignal());

    public void Dispose() => _announcements?.Writer.TryComplete();
}
