using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Observability;

/// <summary>
/// <c>/health/ready</c>: the store answers a query on a table the migrations create (the node applies every
/// migration before it serves, so an answer means reachable and migrated), and every follower has started and is not
/// failing. Unhealthy names what is not ready.
/// </summary>
internal sealed class ReadinessCheck(IPositionStore positions, FollowerHost followers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<FollowerStatus> statuses;
        try
        {
            await positions.PositionAsync(Core.Storage.Followers.Profiles, cancellationToken);
            statuses = await followers.StatusAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"storage is not reachable: {e.GetType().Name}: {e.Message}");
        }
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var notRunning = new List<string>();
        foreach (var status in statuses)
        {
            data[status.Name] = status.State;
            if (status.State is not ("running" or "isolating" or "standby")) notRunning.Add($"{status.Name} is {status.State}");
        }
        return notRunning.Count == 0
            ? HealthCheckResult.Healthy("storage reachable, migrations applied, followers running", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", notRunning), data: data);
    }
}
