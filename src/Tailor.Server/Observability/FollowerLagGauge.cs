using System.Diagnostics.Metrics;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Observability;

/// <summary>
/// <c>tailor.pipeline.lag</c>: items waiting for each follower. Reading the lag queries the store, which an observable
/// instrument's callback (synchronous, on the scraper's thread) must not wait on: the callback answers the last
/// reading and starts a fresh one when it is older than a second, so a scrape never blocks on the database. The gauge
/// belongs to this node's container (a meter from <see cref="IMeterFactory"/>, named <c>Tailor</c> too): several
/// nodes in one process (tests) each report their own followers, and it goes away with the node.
/// </summary>
public sealed class FollowerLagGauge
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly FollowerHost _host;
    private readonly TimeProvider _time;
    private IReadOnlyList<FollowerStatus> _last = [];
    private long _readAt = long.MinValue;
    private int _reading;

    public FollowerLagGauge(FollowerHost host, TimeProvider time, IMeterFactory meters)
    {
        _host = host;
        _time = time;
        meters.Create(TailorMetrics.Name).CreateObservableGauge(TailorMetrics.PipelineLagName, Observe, "{item}", "Items waiting for each follower");
    }

    /// <summary>Reads every follower's lag now (also what a stale callback starts).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            _last = await _host.StatusAsync(ct);
            Interlocked.Exchange(ref _readAt, _time.GetTimestamp());
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // The store is away: keep the last reading; /health/ready says why.
        }
        finally
        {
            Interlocked.Exchange(ref _reading, 0);
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var readAt = Interlocked.Read(ref _readAt);
        if ((readAt == long.MinValue || _time.GetElapsedTime(readAt) > MaxAge) && Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
            _ = RefreshAsync(CancellationToken.None);
        foreach (var status in _last)
            yield return new Measurement<long>(status.Lag, new KeyValuePair<string, object?>("follower", status.Name));
    }
}
