using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Cluster;

/// <summary>
/// This node's connection to RabbitMQ (docs/scale.md). The broker carries notices between nodes, never the events
/// themselves (they are durable in PostgreSQL before the 2xx): on the fan-out exchange <c>PREFIX.wakeups</c> the names
/// <see cref="FollowerWakeups"/> signals here (so the node that holds a follower wakes at once), and on
/// <c>PREFIX.changes</c> the profiles a commit here changed (so every node drops them from its caches; routing key
/// <c>profiles</c>) and that content was changed through this node (routing key <c>content</c>: the others reload it). Each node reads
/// both through one exclusive queue of its own, which the broker deletes when the node goes. A lost connection is
/// opened again after a backoff; meanwhile and after it, followers poll and caches expire (every follower looks once
/// and every cache is dropped on reconnecting, for what was missed).
/// A connection can also go silent without closing (a partition: AMQP heartbeats notice it only after tens of seconds),
/// or lose the notices of one other node. So every node also sends a tick every <see cref="TickInterval"/> (routing key
/// <c>tick</c>), after everything it queued before, and a node <see cref="HearsEveryNode"/> only while it has heard from
/// every other live node within <see cref="HearingWindow"/>: caches rely on the notices only then (docs/scale.md).
/// </summary>
public sealed partial class BrokerLink(ClusterOptions options, NodeIdentity node, FollowerWakeups wakeups, ChangeFeed changes, Content.ContentCatalog content, FollowerPolicy policy,
    TimeProvider time, ILogger<BrokerLink> logger) : BackgroundService
{
    private const int OutboxCapacity = 4096;
    private const int MaxIdsPerNotice = 1000;
    private const string ProfilesKey = "profiles", ContentKey = "content", TickKey = "tick", EverythingKey = "everything";

    /// <summary>How often a node tells the others it is there (a tick), while linked.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How recently every other live node must have been heard for this node to trust the notices.</summary>
    public static readonly TimeSpan HearingWindow = TimeSpan.FromMilliseconds(600);

    private readonly ConcurrentDictionary<string, long> _heard = new(StringComparer.Ordinal); // node id → TimeProvider timestamp
    private volatile IReadOnlyList<string> _peers = [];
    private volatile bool _lost; // a change notice could not be queued: the others must drop everything
    private readonly Channel<(string Exchange, string Key, byte[] Body)> _outbox = Channel.CreateBounded<(string, string, byte[])>(
        new BoundedChannelOptions(OutboxCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private volatile string _state = "connecting";

    private string WakeupsExchange => $"{options.ExchangePrefix}.wakeups";
    private string ChangesExchange => $"{options.ExchangePrefix}.changes";

    /// <summary><c>connected</c>, <c>connecting</c> or <c>disconnected</c> (with why), for the lease table, readiness and <c>GET /api/cluster</c>.</summary>
    public string State => _state;

    /// <summary>Whether notices flow now.</summary>
    public bool Connected => _state == "connected";

    /// <summary>
    /// Whether this node hears every other live node now: linked, and a notice or tick from each within
    /// <see cref="HearingWindow"/>. Notices are queued in order, so a tick heard from a node also means its earlier
    /// change notices were heard. False while any live node is silent (its notices may be lost).
    /// </summary>
    public bool HearsEveryNode
    {
        get
        {
            if (!Connected) return false;
            var now = time.GetTimestamp();
            foreach (var peer in _peers)
                if (!_heard.TryGetValue(peer, out var at) || time.GetElapsedTime(at, now) > HearingWindow) return false;
            return true;
        }
    }

    /// <summary>The other nodes alive now (from the lease table's heartbeats, every round of <see cref="ClusterMembership"/>).</summary>
    public void LiveNodes(IEnumerable<string> nodeIds)
    {
        IReadOnlyList<string> peers = [.. nodeIds.Where(id => id != node.Id)];
        _peers = peers;
        foreach (var gone in _heard.Keys.Except(peers, StringComparer.Ordinal)) _heard.TryRemove(gone, out _); // every start is a new id
    }

    /// <summary>Notices sent and received since the start (for the status and tests).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    private long _sent, _received;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.Subscribe(profiles: OnProfilesChanged, memberships: OnMembershipsChanged);
        content.Reloaded += OnContentChanged;
        var forward = Task.Run(() => ForwardWakeupsAsync(stoppingToken), CancellationToken.None);
        var ticks = Task.Run(() => TickAsync(stoppingToken), CancellationToken.None);
        var failures = 0;
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.RabbitMq!),
            ClientProvidedName = $"tailor {node.Id}",
            AutomaticRecoveryEnabled = false, // this loop reconnects, and knows to wake everything after
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
        };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                await channel.ExchangeDeclareAsync(WakeupsExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: stoppingToken);
                await channel.ExchangeDeclareAsync(ChangesExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: stoppingToken);
                var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: stoppingToken);
                await channel.QueueBindAsync(queue.QueueName, WakeupsExchange, "", cancellationToken: stoppingToken);
                await channel.QueueBindAsync(queue.QueueName, ChangesExchange, "", cancellationToken: stoppingToken);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) =>
                {
                    Receive(delivery.Exchange, delivery.RoutingKey, delivery.Body.Span);
                    return Task.CompletedTask;
                };
                await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, stoppingToken);
                _state = "connected";
                if (failures > 0) LogConnectedAgain(failures);
                // Whatever was announced while this node was not listening: every follower looks once, every cache starts over.
                wakeups.ReceiveAll();
                changes.EverythingChanged();
                content.Forget();
                failures = 0;
                await PublishAsync(connection, channel, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                _state = $"disconnected: {e.GetType().Name}: {e.Message}";
                LogConnectionFailed(e, failures);
                try { await Task.Delay(policy.BackoffAfter(failures), time, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        _state = "disconnected: stopped";
        content.Reloaded -= OnContentChanged;
        await forward;
        await ticks;
    }

    /// <summary>Publishes what is queued while the connection is open; throws when it closes.</summary>
    private async Task PublishAsync(IConnection connection, IChannel channel, CancellationToken ct)
    {
        while (true)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            tick.CancelAfter(TimeSpan.FromSeconds(1)); // look at the connection at least once a second
            try
            {
                while (await _outbox.Reader.WaitToReadAsync(tick.Token))
                    while (_outbox.Reader.TryPeek(out var notice))
                    {
                        if (_lost)
                        {
                            // A change notice was dropped (the outbox was full): before anything later, the others forget everything.
                            _lost = false;
                            await channel.BasicPublishAsync(ChangesExchange, EverythingKey, Notice([EverythingKey]), ct);
                        }
                        await channel.BasicPublishAsync(notice.Exchange, notice.Key, notice.Body, ct);
                        _outbox.Reader.TryRead(out _);
                        Interlocked.Increment(ref _sent);
                    }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            if (!connection.IsOpen || channel.IsClosed) throw new InvalidOperationException($"the broker connection closed: {connection.CloseReason?.ReplyText ?? channel.CloseReason?.ReplyText}");
        }
    }

    /// <summary>A tick every <see cref="TickInterval"/> while linked, queued after what came before it.</summary>
    private async Task TickAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TickInterval, time, ct);
                if (Connected) Queue((ChangesExchange, TickKey, Notice([])));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Queues a notice; a change notice that does not fit is replaced by "everything changed" before the next one.</summary>
    private void Queue((string Exchange, string Key, byte[] Body) notice)
    {
        if (!_outbox.Writer.TryWrite(notice) && notice.Key != TickKey) _lost = true;
    }

    /// <summary>What this node's followers committed, announced to the others (a burst becomes one notice).</summary>
    private async Task ForwardWakeupsAsync(CancellationToken ct)
    {
        if (wakeups.Announcements is not { } announcements) return;
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await announcements.WaitToReadAsync(ct))
            {
                names.Clear();
                while (announcements.TryRead(out var name)) names.Add(name);
                Queue((WakeupsExchange, "", Notice(names)));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void OnProfilesChanged(IReadOnlyList<Core.Profiles.Profile> profiles)
    {
        // A full outbox drops the notice, and the next one that fits is preceded by "everything changed" (Queue).
        for (var i = 0; i < profiles.Count; i += MaxIdsPerNotice)
            Queue((ChangesExchange, ProfilesKey, Notice(profiles.Skip(i).Take(MaxIdsPerNotice).Select(p => p.Id))));
    }

    private void OnMembershipsChanged(IReadOnlyList<Core.Storage.MembershipChange> changed)
    {
        var ids = changed.Select(c => c.ProfileId).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < ids.Count; i += MaxIdsPerNotice)
            Queue((ChangesExchange, ProfilesKey, Notice(ids.Skip(i).Take(MaxIdsPerNotice))));
    }

    private void OnContentChanged() => Queue((ChangesExchange, ContentKey, Notice([ContentKey])));

    /// <summary>A notice: the sending node's id, then one name or profile id per line.</summary>
    private byte[] Notice(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines.Prepend(node.Id)));

    private void Receive(string exchange, string key, ReadOnlySpan<byte> body)
    {
        var lines = Encoding.UTF8.GetString(body).Split('\n');
        if (lines[0] == node.Id) return; // this node's own notice, back through the fan-out
        _heard[lines[0]] = time.GetTimestamp();
        if (key == TickKey || lines.Length < 2) return;
        Interlocked.Increment(ref _received);
        if (exchange == ChangesExchange && key == EverythingKey)
        {
            changes.EverythingChanged();
            content.Forget();
        }
        else if (exchange == WakeupsExchange)
            foreach (var name in lines.AsSpan(1)) wakeups.Receive(name);
        else if (exchange == ChangesExchange && key == ContentKey)
            content.Forget();
        else if (exchange == ChangesExchange)
            changes.ProfilesChangedElsewhere(lines[1..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: the broker connection failed (failure {Failures}); followers poll and caches expire until it is back")]
    private partial void LogConnectionFailed(Exception exception, int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: connected to the broker again after {Failures} failures")]
    private partial void LogConnectedAgain(int failures);
}
