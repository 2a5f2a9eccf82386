namespace Tailor.Server.Pipeline;

/// <summary>The failure policy every follower runs under (docs/operations.md).</summary>
public sealed record FollowerPolicy
{
    /// <summary>Tries of a failing step (a batch, then each isolated item) before the host isolates, then sets the item aside. Default 3.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The wait after the first failure, doubled after each further one; on the injected clock. Default 1 s.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between tries. Default 1 min.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle follower looks again in case another node or process wrote (wall time). Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after failure number <paramref name="failures"/> (1-based).</summary>
    public TimeSpan BackoffAfter(int failures)
    {
        var wait = Backoff * Math.Pow(2, Math.Min(failures - 1, 30));
        return wait > MaxBackoff ? MaxBackoff : wait;
    }
}
