using Tailor.Core.Storage;
using Tailor.Core.TrackingPlans;

namespace Tailor.Server.TrackingPlans;

/// <summary>
/// The compiled tracking plan the ingestion path checks against. Rebuilt at once after a change through this node
/// (API), and at most <see cref="RefreshInterval"/> after a change made elsewhere (the CLI, another node). Requests
/// never wait for a rebuild except the very first.
/// </summary>
public sealed partial class TrackingPlanCache(ITrackingPlanStore store, TimeProvider time, ILogger<TrackingPlanCache> logger) : IDisposable
{
    /// <summary>How long a snapshot is used before it is rebuilt from the store.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private TrackingPlan? _plan;
    private DateTimeOffset _loadedAt;

    /// <summary>The current plan; schedules a rebuild in the background when it is older than <see cref="RefreshInterval"/>.</summary>
    public ValueTask<TrackingPlan> CurrentAsync(CancellationToken ct)
    {
        var plan = _plan;
        if (plan is null) return new ValueTask<TrackingPlan>(ReloadAsync(ct));
        if (time.GetUtcNow() - _loadedAt > RefreshInterval && _reload.CurrentCount > 0) _ = ReloadInBackgroundAsync();
        return new ValueTask<TrackingPlan>(plan);
    }

    /// <summary>Rebuilds the plan from the store now and returns it.</summary>
    public async Task<TrackingPlan> ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var loadedAt = time.GetUtcNow();
            var plan = new TrackingPlan(await store.ListEventSchemasAsync(ct), await store.TrackingModesAsync(ct));
            foreach (var unusable in plan.Unusable) LogUnusableSchema(unusable.Field, unusable.Rule);
            (_plan, _loadedAt) = (plan, loadedAt);
            return plan;
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex);
        }
    }

    public void Dispose() => _reload.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tracking plan schema {Field} cannot be used: {Rule}")]
    private partial void LogUnusableSchema(string field, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the tracking plan failed; the previous one stays in use")]
    private partial void LogReloadFailed(Exception exception);
}
