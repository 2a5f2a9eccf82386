namespace Tailor.Core.Storage;

/// <summary>
/// Small writes that arrive together share one commit: the first caller commits what is queued, callers that arrive
/// meanwhile queue for the next commit, and each caller's task completes once its own item is durable. A failed shared
/// commit is retried item by item, so only an item that fails alone fails its caller. One transaction per burst
/// instead of one per item, with no background thread and no added wait.
/// </summary>
/// <remarks>
/// Written for the audit trail, which writes an entry for every read of a profile: one transaction (and one fsync)
/// per read held SQLite's single writer thousands of times a second.
/// </remarks>
/// <param name="commit">Writes a run of items in one transaction (never more than <paramref name="maxBatch"/>).</param>
public sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> commit, int maxBatch = GroupCommit<T>.DefaultMaxBatch)
{
    /// <summary>Items per commit at most.</summary>
    public const int DefaultMaxBatch = 1000;

    private readonly Lock _lock = new();
    private readonly List<(T Item, TaskCompletionSource Done)> _queue = [];
    private bool _committing;

    /// <summary>Queues <paramref name="item"/>; completes once the commit that holds it is done.</summary>
    public Task AddAsync(T item, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_lock)
        {
            _queue.Add((item, done));
            lead = !_committing;
            _committing = true;
        }
        if (lead)
        {
            // The commits after the first serve other callers: they must not run in this caller's context (its trace, its log scope).
            using (ExecutionContext.SuppressFlow()) _ = CommitQueuedAsync();
        }
        // A caller that stops waiting does not take its item back: it may already be in a commit.
        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task CommitQueuedAsync()
    {
        for (var pass = 0; TakeQueued() is { } batch; pass++)
        {
            // The first commit runs on the time of the caller that started it (no thread hop for a lone item); the
            // commits after it go on from the thread pool, so that caller is not kept waiting for other callers' items.
            if (pass > 0) await Task.Yield();
            if (await TryCommitAsync(batch) is null || batch.Length == 1) continue;
            // One bad item must not cost the others theirs: after a failed shared commit each is committed alone.
            foreach (var single in batch) await TryCommitAsync([single]);
        }
    }

    /// <summary>Commits <paramref name="batch"/> and answers its callers when it succeeds, or the only caller when it fails; returns the failure.</summary>
    private async Task<Exception?> TryCommitAsync((T Item, TaskCompletionSource Done)[] batch)
    {
        try
        {
            await commit([.. batch.Select(b => b.Item)]);
            foreach (var (_, done) in batch) done.TrySetResult();
            return null;
        }
        catch (Exception e)
        {
            if (batch.Length == 1) batch[0].Done.TrySetException(e);
            return e;
        }
    }

    /// <summary>Up to a batch of queued items, or null (and no commit under way any more) when none are left.</summary>
    private (T Item, TaskCompletionSource Done)[]? TakeQueued()
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                _committing = false;
                return null;
            }
            var batch = _queue.Take(maxBatch).ToArray();
            _queue.RemoveRange(0, batch.Length);
            return batch;
        }
    }
}
