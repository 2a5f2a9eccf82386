namespace Tailor.Core.Events;

/// <summary>Limits of the tracking API; the size defaults are Segment's.</summary>
public sealed record IngestionLimits
{
    /// <summary>Largest single message, in bytes (default 32 KB).</summary>
    public int MaxMessageBytes { get; init; } = 32 * 1024;

    /// <summary>Largest request body after decompression, in bytes (default 500 KB).</summary>
    public int MaxBatchBytes { get; init; } = 500 * 1024;

    /// <summary>
    /// How far after its receive time an event's (skew-corrected) timestamp may lie before it is clamped to the receive
    /// time (default 5 minutes; <c>TAILOR_FUTURE_TOLERANCE</c> in seconds).
    /// </summary>
    public TimeSpan FutureTolerance { get; init; } = TimeSpan.FromMinutes(5);

    public static IngestionLimits Default { get; } = new();
}
