using System.Collections.Frozen;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Cluster;

/// <summary>
/// This node's place in the cluster: every <see cref="ClusterOptions.Heartbeat"/> it records its heartbeat and renews,
/// gives back or takes leases on the partitions of background work (one per follower of the host; docs/scale.md),
/// through <see cref="ClusterLeases"/>. It answers <see cref="Owns"/> for the follower host from what it last renewed,
/// and only until two thirds of the lease has passed since then, so a node cut off from the database stops stepping
/// before another node may take its work over. A follower this node newly holds is woken at once.
/// </summary>
public sealed partial class ClusterMembership(ClusterLeases leases, ClusterOptions options, BrokerLink broker, IEnumerable<ILogFollower> followers, FollowerWakeups wakeups,
    NodeIdentity node, IServer server, TimeProvider time, ILogger<ClusterMembership> logger) : BackgroundService, IFollowerOwnership
{
    private volatile FrozenDictionary<string, long> _held = FrozenDictionary<string, long>.Empty;
    private long _validUntil; // TimeProvider timestamp after which the leases held are no longer trusted

    /// <summary>The partitions this node holds and their epochs, as of the last renewal.</summary>
    public IReadOnlyDictionary<string, long> Held => Fresh ? _held : FrozenDictionary<string, long>.Empty;

    /// <summary>When the last renewal succeeded, or null before the first.</summary>
    public DateTimeOffset? RenewedAt { get; private set; }

    /// <summary>The last renewal's failure, while renewals fail.</summary>
    public string? LastError { get; private set; }

    /// <summary>Whether the leases held were renewed recently enough to act on.</summary>
    public bool Fresh => time.GetTimestamp() < Interlocked.Read(ref _validUntil);

    public bool Owns(string follower) => Fresh && _held.ContainsKey(follower);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<string> partitions = [.. followers.Select(f => f.Name)];
        var startedAt = time.GetUtcNow();
        var ensured = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var began = time.GetTimestamp();
            try
            {
                if (!ensured)
                {
                    await leases.EnsurePartitionsAsync(partitions, stoppingToken);
                    ensured = true;
                }
                var round = await leases.RenewAsync(node.Id, Address(), broker.State, startedAt, options.LeaseDuration, partitions, stoppingToken);
                var held = round.Held;
                broker.LiveNodes(round.LiveNodes);
                var before = _held;
                _held = held.ToFrozenDictionary(StringComparer.Ordinal);
                Interlocked.Exchange(ref _validUntil, began + (long)(options.LeaseDuration.TotalSeconds * 2 / 3 * time.TimestampFrequency));
                RenewedAt = time.GetUtcNow();
                LastError = null;
                foreach (var (partition, epoch) in held)
                {
                    if (before.TryGetValue(partition, out var had) && had == epoch) continue;
                    LogTaken(partition, epoch);
                    wakeups.Wake(partition); // start at once, not at the next poll
                }
                foreach (var partition in before.Keys)
                    if (!held.ContainsKey(partition)) LogGivenUp(partition);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LastError = $"{e.GetType().Name}: {e.Message}";
                LogRenewFailed(e);
            }
            try { await Task.Delay(options.Heartbeat, time, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>The address Kestrel bound (the configured one may have port 0).</summary>
    private string Address() => server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? node.Url;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _held = FrozenDictionary<string, long>.Empty;
        try { await leases.ReleaseAsync(node.Id, cancellationToken); }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested) { LogReleaseFailed(e); } // they expire instead
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: this node now holds {Partition} (epoch {Epoch})")]
    private partial void LogTaken(string partition, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: this node no longer holds {Partition}")]
    private partial void LogGivenUp(string partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: renewing the leases failed; this node stops its followers once they are no longer fresh")]
    private partial void LogRenewFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: giving the leases back on stop failed; they expire instead")]
    private partial void LogReleaseFailed(Exception exception);
}
