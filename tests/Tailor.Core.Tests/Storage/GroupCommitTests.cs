using Tailor.Core.Storage;

namespace Tailor.Core.Tests.Storage;

public sealed class GroupCommitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A commit that records what it was given and waits until the test lets it finish.</summary>
    private sealed class GatedCommits
    {
        private readonly Lock _lock = new();
        public List<int[]> Commits { get; } = [];
        public TaskCompletionSource FirstEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<int[], Exception?> Outcome { get; init; } = _ => null;

        public async Task CommitAsync(IReadOnlyList<int> items)
        {
            lock (_lock) Commits.Add([.. items]);
            FirstEntered.TrySetResult();
            await Release.Task;
            if (Outcome([.. items]) is { } error) throw error;
        }
    }

    [Fact]
    public async Task Items_added_while_a_commit_runs_share_the_next_commit_and_each_caller_waits_for_its_own()
    {
        var commits = new GatedCommits();
        var group = new GroupCommit<int>(commits.CommitAsync);

        var first = group.AddAsync(1, Ct);
        await commits.FirstEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var later = Enumerable.Range(2, 9).Select(i => group.AddAsync(i, Ct)).ToArray();
        Assert.False(first.IsCompleted);
        Assert.DoesNotContain(later, t => t.IsCompleted);

        commits.Release.SetResult();
        await Task.WhenAll([first, .. later]).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]], commits.Commits);
    }

    [Fact]
    public async Task A_failed_commit_fails_only_its_own_callers_and_the_next_items_are_still_committed()
    {
        var commits = new GatedCommits { Outcome = items => items.Contains(1) ? new InvalidOperationException("disk full") : null };
        var group = new GroupCommit<int>(commits.CommitAsync);

        var first = group.AddAsync(1, Ct);
        await commits.FirstEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = group.AddAsync(2, Ct);
        commits.Release.SetResult();

        Assert.Equal("disk full", (await Assert.ThrowsAsync<InvalidOperationException>(() => first.WaitAsync(TimeSpan.FromSeconds(10), Ct))).Message);
        await second.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal([[1], [2]], commits.Commits);
    }

    [Fact]
    public async Task A_bad_item_in_a_shared_commit_fails_only_its_own_caller()
    {
        var commits = new GatedCommits { Outcome = items => items.Contains(3) ? new InvalidOperationException("bad entry") : null };
        var group = new GroupCommit<int>(commits.CommitAsync);

        var first = group.AddAsync(1, Ct);
        await commits.FirstEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var (two, three, four) = (group.AddAsync(2, Ct), group.AddAsync(3, Ct), group.AddAsync(4, Ct));
        commits.Release.SetResult();

        await Task.WhenAll(first, two, four).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("bad entry", (await Assert.ThrowsAsync<InvalidOperationException>(() => three.WaitAsync(TimeSpan.FromSeconds(10), Ct))).Message);
        Assert.Equal([[1], [2, 3, 4], [2], [3], [4]], commits.Commits);
    }

    [Fact]
    public async Task A_commit_takes_at_most_its_batch_and_leaves_the_rest_for_the_next()
    {
        var commits = new GatedCommits();
        var group = new GroupCommit<int>(commits.CommitAsync, maxBatch: 3);

        var first = group.AddAsync(0, Ct);
        await commits.FirstEntered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var later = Enumerable.Range(1, 7).Select(i => group.AddAsync(i, Ct)).ToArray();
        commits.Release.SetResult();
        await Task.WhenAll([first, .. later]).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([[0], [1, 2, 3], [4, 5, 6], [7]], commits.Commits);
    }
}
