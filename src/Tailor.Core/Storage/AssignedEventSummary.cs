namespace Tailor.Core.Storage;

/// <summary>An <see cref="AssignedEvent"/> without its payload: enough to tell which segments it may change.</summary>
/// <param name="Merged">The event tied two profiles together, so the survivor's whole history changed.</param>
/// <param name="Inputs">What folding it could change besides events and computed traits (read from its payload); all when unknown.</param>
/// <param name="First">The first event of its profile (a new profile: every segment may now hold it); true when unknown.</param>
public readonly record struct AssignedEventSummary(long Sequence, string ProfileId, string Type, string? Name, bool Merged = false,
    Segments.Evaluation.ProfileInputs Inputs = Segments.Evaluation.ProfileInputs.All, bool First = true);
