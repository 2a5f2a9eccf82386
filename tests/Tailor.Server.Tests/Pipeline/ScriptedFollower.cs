using Tailor.Server.Pipeline;

namespace Tailor.Server.Tests.Pipeline;

/// <summary>
/// A follower over items 1..n in memory: a batch processes up to <see cref="BatchSize"/> items and throws (processing
/// none) when one of them is poisoned or when <see cref="Down"/> is set (a failure that is not about one item).
/// </summary>
internal sealed class ScriptedFollower(int items, int batchSize, params int[] poisoned) : ILogFollower
{
    private readonly object _lock = new();
    private int _position;

    public int BatchSize => batchSize;
    public HashSet<int> Poisoned { get; } = [.. poisoned];
    public List<int> Processed { get; } = [];
    public List<(int Item, int Attempts, string Error)> SetAside { get; } = [];
    public int Steps;
    public int Failures;
    public volatile bool Down;
    public int Items = items;
    public DateTimeOffset? NextDue;

    public string Name => "scripted";

    public int IsolationWindow => batchSize;

    public IReadOnlyList<string> Follows { get; } = ["upstream"];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Steps++;
            var take = Math.Min(mode == StepMode.One ? 1 : batchSize, Items - _position);
            var batch = Enumerable.Range(_position + 1, take).ToList();
            if (Down || batch.Any(Poisoned.Contains))
            {
                Failures++;
                throw new InvalidOperationException(Down ? "store away" : $"item {batch.First(Poisoned.Contains)} is poison");
            }
            Processed.AddRange(batch);
            _position += take;
            return Task.FromResult(take > 0 ? new FollowerStep(take) : FollowerStep.Idle(NextDue));
        }
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Down) throw new InvalidOperationException("store away");
            SetAside.Add((++_position, attempts, error.Message));
            return Task.CompletedTask;
        }
    }

    public Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(new FollowerProgress(_position, Items - _position));
    }

    public Task StopAsync() => Task.CompletedTask;

    public T Read<T>(Func<ScriptedFollower, T> read)
    {
        lock (_lock) return read(this);
    }
}
