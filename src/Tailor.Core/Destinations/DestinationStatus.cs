namespace Tailor.Core.Destinations;

/// <summary>What a destination has done: rows or messages sent, skipped (filtered, no consent), and its last error.</summary>
public sealed record DestinationCounters(long Sent, long Skipped, string? LastError, DateTimeOffset? LastErrorAt);
