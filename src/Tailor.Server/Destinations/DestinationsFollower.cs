using System.Collections.Concurrent;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// One follower, <c>destinations</c>, on the follower host, driving every destination that is not paused: each step
/// gives each destination one step of its <see cref="IDestinationDriver"/>, which commits its own positions
/// (<c>destination:&lt;id&gt;:&lt;table&gt;</c>) with its effects. A destination whose step fails is backed off
/// alone (1 s doubling to 1 min on the injected clock, its last error recorded), so one broken endpoint or
/// directory never holds the others up.
/// </summary>
public sealed partial class DestinationsFollower(IDestinationStore store, IEnumerable<IDestinationDriver> drivers, IPositionStore positions, IEventLog log,
    TimeProvider time, ILogger<DestinationsFollower> logger) : ILogFollower
{
    public const string FollowerName = "destinations";

    private readonly Dictionary<string, IDestinationDriver> _drivers = drivers.ToDictionary(d => d.Kind, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Until)> _backoff = new(StringComparer.Ordinal);

    public string Name => FollowerName;

    public int IsolationWindow => 0;

    /// <summary>New assigned events (profiles), membership history (segments), sends (deliveries, campaigns).</summary>
    public IReadOnlyList<string> Follows { get; } = [Followers.Profiles, Followers.Segments, "deliveries", "campaigns"];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        var processed = 0;
        DateTimeOffset? nextDue = null;
        foreach (var d in await store.ListDestinationsAsync(cancellationToken))
        {
            if (d.Paused || !_drivers.TryGetValue(d.Kind, out var driver)) continue;
            var now = time.GetUtcNow();
            if (_backoff.TryGetValue(d.Id, out var off) && off.Until > now)
            {
                nextDue = Earliest(nextDue, off.Until);
                continue;
            }
            try
            {
                var step = await driver.StepAsync(d, cancellationToken);
                _backoff.TryRemove(d.Id, out _);
                processed += step.Processed;
                if (step.Processed == 0 && step.NextDue is { } due) nextDue = Earliest(nextDue, due);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var failures = (off.Failures) + 1;
                var until = now + TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures - 1)));
                _backoff[d.Id] = (failures, until);
                nextDue = Earliest(nextDue, until);
                LogFailed(ex, d.Name, failures);
                try { await store.RecordErrorAsync(d.Id, ex.Message, now, cancellationToken); }
                catch (Exception recordError) when (recordError is not OperationCanceledException) { LogFailed(recordError, d.Name, failures); }
            }
        }
        return processed > 0 ? new FollowerStep(processed) : FollowerStep.Idle(nextDue);
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The position and lag of the destination furthest behind on the event log.</summary>
    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        long? lowest = null;
        foreach (var d in await store.ListDestinationsAsync(cancellationToken))
        {
            if (d.Paused || !DestinationOperations.FollowedTables(d).Contains(ExportTables.Events)) continue;
            var at = await positions.PositionAsync(d.PositionName(ExportTables.Events), cancellationToken);
            lowest = lowest is null ? at : Math.Min(lowest.Value, at);
        }
        if (lowest is null) return new FollowerProgress(null, 0);
        return new FollowerProgress(lowest, Math.Max(0, await log.LastSequenceAsync(cancellationToken) - lowest.Value));
    }

    public Task StopAsync() => Task.CompletedTask;

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset b) => a is null || b < a ? b : a;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Name}: step failed ({Failures} in a row); backing off")]
    private partial void LogFailed(Exception exception, string name, int failures);
}
