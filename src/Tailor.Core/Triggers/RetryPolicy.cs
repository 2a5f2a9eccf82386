namespace Tailor.Core.Triggers;

/// <summary>
/// How long a failed delivery waits before its next try: exponential (base × 2^(attempt−1), capped) with jitter, so
/// many deliveries that failed together do not retry together. Randomness is injected so tests can seed it.
/// </summary>
public sealed class RetryPolicy(Random random, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
{
    private readonly TimeSpan _base = baseDelay ?? TimeSpan.FromSeconds(1);
    private readonly TimeSpan _max = maxDelay ?? TimeSpan.FromMinutes(10);

    /// <summary>The longest any retry after <paramref name="attempt"/> tries can wait (jitter only shortens it).</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var exponential = _base.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(exponential, _max.TotalMilliseconds));
    }

    /// <summary>The wait after <paramref name="attempt"/> failed tries: between half and all of <see cref="Ceiling"/>.</summary>
    public TimeSpan Delay(int attempt)
    {
        double jitter;
        lock (random) jitter = random.NextDouble();
        return Ceiling(attempt) * (0.5 + jitter / 2);
    }
}
