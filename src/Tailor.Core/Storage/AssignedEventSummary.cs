namespace Tailor.Core.Storage;

/// <summary>An <see cref="AssignedEvent"/> without its payload: enough to tell which segments it may change.</summary>
/// <param name="Merged">The event tied two profiles together, so the survivor's whole history changed.</param>
public readonly record struct AssignedEventSummary(long Sequence, string ProfileId, string Type, string? Name, bool Merged = false);
