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
/// when the latest run read other names. The traits are written like a run's, with model <c>rfm quintiles (re-scored)</c>:
/// called directly, with version <c>&lt;run id&gt;-r&lt;unix ms&gt;</c>; from the rfm follower, with version = run id and
/// messageId <c>ana-&lt;run&gt;-&lt;profile&gt;-o&lt;sequence of the order that caused it&gt;</c>, so a replay writes nothing new.
/// </summary>
public sealed class RfmRescoring(IAnalyticsStore store, IProfileStore profiles, ScoreWriter scores, TimeProvider time)
{
    /// <summary>What profiles are re-scored against: the latest succeeded rfm run, the order event it read, and its boundaries.</summary>
    public sealed record Basis(string RunId, string OrderEvent, RfmBoundaries Boundaries);

    /// <summary>The latest succeeded rfm run to re-score against, or why there is none (NotFound: no run yet; Invalid: it read other names).</summary>
    public async Task<OperationResult<Basis>> BasisAsync(CancellationToken ct)
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
        return new Basis(run.Id, parameters.OrderEvent, boundaries);
    }

    /// <summary>How many profiles got new scores, or why none could.</summary>
    public async Task<OperationResult<long>> RescoreAsync(IReadOnlyCollection<string> profileIds, CancellationToken ct)
    {
        var basis = await BasisAsync(ct);
        if (!basis.Succeeded)
        {
            return basis.Problem!;
        }
        var now = time.GetUtcNow();
        var updated = await ScoreAsync(basis.Value!, profileIds.Distinct(StringComparer.Ordinal), now, ct);
        var written = await scores.WriteAsync(RfmJob.KindName, $"{basis.Value!.RunId}-r{now.ToUnixTimeMilliseconds()}", RfmTraits.Model + " (re-scored)",
            updated.Select(u => u.Scores), ct);
        return written.Profiles;
    }

    /// <summary>
    /// Re-scores each profile of <paramref name="causes"/> (profile id → log sequence of the order event that caused it)
    /// against <paramref name="basis"/>; the messageIds are deterministic in (run, profile, sequence), so doing it again
    /// for the same causes appends nothing. Returns how many profiles got scores.
    /// </summary>
    public async Task<long> RescoreAsync(Basis basis, IReadOnlyDictionary<string, long> causes, CancellationToken ct)
    {
        // A cause may name a profile merged away since: it is scored (and keyed) as the profile it lives on.
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        var updated = new List<ProfileScores>();
        foreach (var (requested, score) in await ScoreAsync(basis, causes.Keys, time.GetUtcNow(), ct))
        {
            if (!sequences.TryGetValue(score.ProfileId, out var seen)) updated.Add(score);
            sequences[score.ProfileId] = Math.Max(seen, causes[requested]);
        }
        var written = await scores.WriteAsync(RfmJob.KindName, basis.RunId, RfmTraits.Model + " (re-scored)", updated, ct,
            messageSuffix: id => $"o{sequences[id]}");
        return written.Profiles;
    }

    private async Task<List<(string Requested, ProfileScores Scores)>> ScoreAsync(Basis basis, IEnumerable<string> profileIds, DateTimeOffset now, CancellationToken ct)
    {
        var updated = new List<(string, ProfileScores)>();
        foreach (var id in profileIds)
        {
            if (await profiles.GetProfileAsync(id, ct) is not { Computed.LastOrderAt: { } last } profile)
            {
                continue;
            }
            var c = basis.Boundaries.Score(profile.Id, last, (int)Math.Min(int.MaxValue, profile.Computed.OrderCount), (double)profile.Computed.TotalRevenue, now);
            updated.Add((id, RfmTraits.Of(c)));
        }
        return updated;
    }
}
