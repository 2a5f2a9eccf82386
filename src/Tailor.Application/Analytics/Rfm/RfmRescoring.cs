using System.Text.Json;
using Tailor.Analytics.Rfm;
using Tailor.Core.Analytics;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Rfm;

/// <summary>
/// Re-scores some profiles against the quintile boundaries of the latest succeeded <c>rfm</c> run, without ranking
/// everyone again: recency to now (the injected clock), frequency = the profile's computed <c>OrderCount</c>, monetary
/// = its computed <c>TotalRevenue</c>, last order = <c>LastOrderAt</c>. Those computed traits follow <c>Order
/// Completed</c> with revenue (else total) and count events rather than distinct order ids, so re-scoring is refused
/// when the latest run read other names. The traits are written like a run's, with version
/// <c>&lt;run id&gt;-r&lt;unix ms&gt;</c> and model <c>rfm quintiles (re-scored)</c>.
/// </summary>
public sealed class RfmRescoring(IAnalyticsStore store, IProfileStore profiles, ScoreWriter scores, TimeProvider time)
{
    /// <summary>How many profiles got new scores, or why none could.</summary>
    public async Task<OperationResult<long>> RescoreAsync(IReadOnlyCollection<string> profileIds, CancellationToken ct)
    {
        var runs = await store.ListRunsAsync(RfmJob.KindName, AnalyticsRuns.MaxListed, ct);
        if (runs.FirstOrDefault(r => r.Status == AnalyticsRunStatus.Succeeded && r.Result is not null) is not { } run)
        {
            return OperationProblem.NotFound("run", "no rfm run has succeeded yet");
        }
        var parameters = AnalyticsParameters.Read<RfmJob.Parameters>(run.Parameters).Value;
        if (parameters is null || parameters.OrderEvent != OrderEvents.DefaultEvent || parameters.RevenueProperty != OrderEvents.DefaultRevenueProperty)
        {
            return OperationProblem.Invalid("run", $"the latest rfm run ({run.Id}) read other order names than the profiles' computed traits follow; re-run it instead");
        }
        var boundaries = run.Result!.Value.GetProperty("boundaries").Deserialize<RfmBoundaries>(RfmRunResult.Json)!;
        var now = time.GetUtcNow();
        var updated = new List<ProfileScores>();
        foreach (var id in profileIds.Distinct(StringComparer.Ordinal))
        {
            if (await profiles.GetProfileAsync(id, ct) is not { Computed.LastOrderAt: { } last } profile)
            {
                continue;
            }
            var c = boundaries.Score(profile.Id, last, (int)Math.Min(int.MaxValue, profile.Computed.OrderCount), (double)profile.Computed.TotalRevenue, now);
            updated.Add(RfmTraits.Of(c));
        }
        var written = await scores.WriteAsync(RfmJob.KindName, $"{run.Id}-r{now.ToUnixTimeMilliseconds()}", RfmTraits.Model + " (re-scored)", updated, ct);
        return written.Profiles;
    }
}
