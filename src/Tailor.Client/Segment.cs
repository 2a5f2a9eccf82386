namespace Tailor.Client;

/// <summary>A segment with its rule (text form) and current size.</summary>
public sealed record Segment(string Id, string Name, string Rule, string? Parent, int MinSize, long Size, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Disabled = null);
