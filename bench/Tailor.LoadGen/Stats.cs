namespace Tailor.LoadGen;

/// <summary>Thread-safe latency samples (milliseconds) with exact percentiles by sorting at the end.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _samples = new(1 << 16);
    private readonly Lock _lock = new();

    public void Add(double milliseconds)
    {
        lock (_lock) _samples.Add(milliseconds);
    }

    public LatencySummary Summarize()
    {
        double[] sorted;
        lock (_lock) sorted = [.. _samples];
        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, P(sorted, 0.50), P(sorted, 0.90), P(sorted, 0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    private static double P(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal readonly record struct LatencySummary(int Count, double P50, double P90, double P99, double Max);

/// <summary>Counts per whole second since a start instant (events acknowledged in each second).</summary>
internal sealed class PerSecondCounter(int seconds)
{
    private readonly long[] _buckets = new long[seconds + 1];

    public void Add(double secondsSinceStart, long amount)
    {
        var index = (int)secondsSinceStart;
        if (index >= 0 && index < _buckets.Length) Interlocked.Add(ref _buckets[index], amount);
    }

    /// <summary>Rates of the full seconds only (the last, partial bucket is dropped).</summary>
    public long[] FullSeconds(int count) => _buckets[..Math.Min(count, _buckets.Length)];
}

internal static class Numbers
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Least-squares slope of y over x.</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) return double.NaN;
        double mx = 0, my = 0;
        foreach (var (x, y) in points) { mx += x; my += y; }
        mx /= points.Count;
        my /= points.Count;
        double num = 0, den = 0;
        foreach (var (x, y) in points) { num += (x - mx) * (y - my); den += (x - mx) * (x - mx); }
        return den == 0 ? double.NaN : num / den;
    }
}
