namespace Tailor.Core.Pipeline;

/// <summary>A stored merge with what the merged-away profile held when it was merged: enough to undo it.</summary>
/// <param name="LoserIdentities">The identities the merged-away profile held.</param>
/// <param name="LoserEvents">The sequences of the events that belonged to it.</param>
/// <param name="Absorbed">Profiles merged into it before, which now point at the survivor too.</param>
public sealed record MergeRecord(
    ProfileMerge Merge,
    IReadOnlyList<Identity.ProfileIdentifier> LoserIdentities,
    IReadOnlyList<long> LoserEvents,
    IReadOnlyList<string> Absorbed);
