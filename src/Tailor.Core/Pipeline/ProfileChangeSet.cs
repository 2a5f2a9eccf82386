using Tailor.Core.Profiles;

namespace Tailor.Core.Pipeline;

/// <summary>Everything one pipeline batch changed, committed atomically together with the new log position.</summary>
/// <param name="Profiles">New and changed profiles, including merged-away ones (their <c>MergedInto</c> set).</param>
/// <param name="Links">Identities newly linked to a profile.</param>
/// <param name="Assignments">Which profile each processed event belongs to.</param>
/// <param name="Merges">Merges in the order they happened; the store moves the loser's rows to the winner.</param>
/// <param name="Position">The sequence of the last event processed.</param>
public sealed record ProfileChangeSet(
    IReadOnlyList<Profile> Profiles,
    IReadOnlyList<IdentityLink> Links,
    IReadOnlyList<EventAssignment> Assignments,
    IReadOnlyList<TraitChange> TraitHistory,
    IReadOnlyList<ProfileMerge> Merges,
    long Position);

public readonly record struct IdentityLink(Identity.Identity Identity, string ProfileId, DateTimeOffset FirstSeen);

public readonly record struct EventAssignment(long Sequence, string ProfileId);

/// <summary>A record that <paramref name="LoserId"/> became part of <paramref name="WinnerId"/>, and which event tied them.</summary>
public sealed record ProfileMerge(string WinnerId, string LoserId, DateTimeOffset At, string MessageId, string Reason);
