using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Pipeline;

/// <summary>
/// Folds every logged event in this process, whole or split as the store's fold is (docs/scale.md): for the CLI (an
/// import, a merge undo), beside a server or without one. Each stage commits with its position as the server's do, so
/// a server folding at the same time never applies an event twice.
/// </summary>
public static class OfflineFold
{
    /// <summary>
    /// Folds until nothing is left; reports to <paramref name="progress"/>, and returns, how far the fold moved through the
    /// log (its own work, or a running server's beside it; log positions, so gaps count).
    /// </summary>
    public static async Task<long> CatchUpAsync(IEventLog log, IPositionStore positions, IProfileStore profiles, IMergeStore merges, ITriggerStore runs,
        ProfileReducer reducer, TimeProvider time, Privacy.SuppressionFilter? suppressions, Action<long>? progress, CancellationToken ct)
    {
        var split = await positions.FoldPartitionsAsync(ct);
        var start = await positions.FoldedUpToAsync(ct);
        long total = 0;
        if (split == 1)
        {
            using var whole = new ProfilePipeline(log, positions, profiles, merges, runs, reducer, time, suppressions: suppressions);
            while (await whole.ProcessNextBatchAsync(ct) > 0) progress?.Invoke(total = await positions.FoldedUpToAsync(ct) - start);
            return total;
        }
        using var identities = new ProfilePipeline(log, positions, profiles, merges, runs, reducer, time, suppressions: suppressions, stage: FoldStage.Identities);
        var partitions = Enumerable.Range(0, split).Select(k => new FoldPartition(k, split, log, positions, profiles, reducer, time)).ToArray();
        try
        {
            while (true)
            {
                var worked = await identities.ProcessNextBatchAsync(ct) > 0;
                foreach (var partition in partitions)
                    while (await partition.ProcessNextBatchAsync(partition.BatchSize, ct) > 0) worked = true;
                total = await positions.FoldedUpToAsync(ct) - start;
                progress?.Invoke(total);
                if (!worked) return total;
            }
        }
        finally
        {
            foreach (var partition in partitions) partition.Dispose();
        }
    }
}
