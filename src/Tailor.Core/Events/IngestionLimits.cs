namespace Tailor.Core.Events;

/// <summary>Size limits of the tracking API; the defaults are Segment's.</summary>
public sealed record IngestionLimits
{
    /// <summary>Largest single message, in bytes (default 32 KB).</summary>
    public int MaxMessageBytes { get; init; } = 32 * 1024;

    /// <summary>Largest request body after decompression, in bytes (default 500 KB).</summary>
    public int MaxBatchBytes { get; init; } = 500 * 1024;

    public static IngestionLimits Default { get; } = new();
}
