using Tailor.Core.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Application.Privacy;

/// <summary>
/// Storage limitation for events (docs/privacy.md, "Retention"): deletes events older than their name's age in
/// <see cref="EventRetentionPolicy"/>, in batches of <see cref="BatchSize"/> (each its own short write, so appends never
/// wait long), and records the run for the pipeline status.
/// </summary>
/// <remarks>
/// Only events every core follower has passed (at most the lower of the profile pipeline's and the segment engine's
/// positions) are deleted, so nothing is deleted before it is folded. Computed traits hold aggregates (counts, revenue,
/// first and last seen), so they stay as they were; what reads events themselves sees fewer (docs/privacy.md lists it).
/// </remarks>
public sealed class EventRetention(IPrivacyStore store, IPositionStore positions, TimeProvider time)
{
    /// <summary>Events deleted per write.</summary>
    public const int BatchSize = 1000;

    /// <summary>The most batches one run deletes (the rest waits for the next run).</summary>
    public const int MaxBatchesPerRun = 10_000;

    /// <summary>Deletes what <paramref name="policy"/> no longer keeps; answers how many events went. Records the run, failed or not.</summary>
    public async Task<long> RunAsync(EventRetentionPolicy policy, CancellationToken ct)
    {
        if (policy.IsEmpty) return 0;
        long deleted = 0;
        var now = time.GetUtcNow();
        try
        {
            var upTo = Math.Min(await positions.FoldedUpToAsync(ct), await positions.PositionAsync(Followers.Segments, ct));
            var named = policy.Ages.Keys.Where(k => k != EventRetentionPolicy.Others).ToList();
            var batches = 0;
            foreach (var (name, age) in policy.Ages)
            {
                int n;
                do
                {
                    n = await store.DeleteEventsAsync(name, named, now - age, upTo, BatchSize, ct);
                    deleted += n;
                }
                while (n == BatchSize && ++batches < MaxBatchesPerRun);
            }
            await store.SaveRetentionRunAsync(new RetentionRun(now, deleted, null), ct);
            return deleted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await store.SaveRetentionRunAsync(new RetentionRun(now, deleted, e.Message), CancellationToken.None);
            throw;
        }
    }

    public Task<RetentionRun?> LastRunAsync(CancellationToken ct) => store.LastRetentionRunAsync(ct);
}
