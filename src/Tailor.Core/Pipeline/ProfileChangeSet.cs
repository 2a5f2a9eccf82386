using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Pipeline;

/// <summary>Everything one pipeline batch changed, committed atomically together with the new log position.</summary>
/// <param name="Profiles">New and changed profiles, including merged-away ones (their <c>MergedInto</c> set).</param>
/// <param name="Links">Identities newly linked to a profile.</param>
/// <param name="Assignments">Which profile each processed event belongs to.</param>
/// <param name="Merges">Merges in the order they happened; the store moves the loser's rows to the winner.</param>
/// <param name="Position">
/// The profile pipeline's move to the sequence of the last event processed, from the position the batch started at. The
/// commit succeeds only if the stored position still equals <see cref="PositionMove.From"/>, so two pipelines on one
/// store (two nodes, or an import beside a server) never apply the same events twice.
/// </param>
public sealed record ProfileChangeSet(
    IReadOnlyList<Profile> Profiles,
    IReadOnlyList<IdentityLink> Links,
    IReadOnlyList<EventAssignment> Assignments,
    IReadOnlyList<TraitChange> TraitHistory,
    IReadOnlyList<ProfileMerge> Merges,
    PositionMove Position)
{
    /// <summary>What guards and caps refused in this batch (docs/profiles.md, "Merge guards and caps").</summary>
    public IReadOnlyList<ProfileRefusal> Refusals { get; init; } = [];

    /// <summary>Events set aside instead of applied; stored in the same transaction, so the position moves past them atomically.</summary>
    public IReadOnlyList<Storage.DeadLetter> DeadLetters { get; init; } = [];

    /// <summary>Consent changes in this batch (docs/privacy.md, "Consent"), kept as the profiles' consent history.</summary>
    public IReadOnlyList<Privacy.ConsentChange> ConsentHistory { get; init; } = [];

    /// <summary>
    /// Events dropped because they carried a suppressed identifier (an erased person's): their log rows are deleted in
    /// this commit and counted, so they neither recreate the person nor stay in the log.
    /// </summary>
    public IReadOnlyList<long> Suppressed { get; init; } = [];

    /// <summary>Which part of the fold this batch did: all of it, or one of the two stages of a split fold.</summary>
    public FoldStage Stage { get; init; } = FoldStage.Whole;
}

/// <summary>
/// The part of the fold a <see cref="ProfileChangeSet"/> carries (docs/scale.md, "The fold partitioned by profile key").
/// </summary>
public enum FoldStage
{
    /// <summary>Resolution and reduction in one batch, the fold as one partition.</summary>
    Whole,

    /// <summary>
    /// Resolution only: new (empty) profiles, identity links, assignments, and the identity side of merges (the merge
    /// record, what an undo gives back of the identities, the identities moved). Never a profile's state.
    /// </summary>
    Identities,

    /// <summary>
    /// Reduction only, by one partition: the state of its profiles, their trait history and consent, and the rest of
    /// the merges whose survivors it holds (events, trait history and memberships moved, the loser marked merged).
    /// </summary>
    Reduction,
}

public readonly record struct IdentityLink(Identity.ProfileIdentifier Identity, string ProfileId, DateTimeOffset FirstSeen);

public readonly record struct EventAssignment(long Sequence, string ProfileId);

/// <summary>A record that <paramref name="LoserId"/> became part of <paramref name="WinnerId"/>, and which event tied them.</summary>
public sealed record ProfileMerge(string WinnerId, string LoserId, DateTimeOffset At, string MessageId, string Reason)
{
    /// <summary>The merge's id in the store (0 until stored); <c>POST /api/profiles/merges/{id}/undo</c> names it.</summary>
    public long Id { get; init; }

    /// <summary>The log sequence of the event that tied the two profiles.</summary>
    public long Sequence { get; init; }

    /// <summary>When the merge was undone, if it was.</summary>
    public DateTimeOffset? UndoneAt { get; init; }

    /// <summary>What the undo gave back to the restored profile (identities, events, journeys moved).</summary>
    public string? Undo { get; init; }
}
