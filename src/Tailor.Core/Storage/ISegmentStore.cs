using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Core.Storage;

/// <summary>Segments, their current members, the history of entries and exits, and the timers of time windows.</summary>
public interface ISegmentStore
{
    Task<IReadOnlyList<SegmentDefinition>> ListSegmentsAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a segment (by id). Names are unique.</summary>
    Task SaveSegmentAsync(SegmentDefinition segment, CancellationToken cancellationToken);

    /// <summary>Deletes a segment with its members, timers and history.</summary>
    Task DeleteSegmentAsync(string segmentId, CancellationToken cancellationToken);

    /// <summary>A number that moves whenever a segment is saved or deleted (through any node or the CLI).</summary>
    Task<long> DefinitionsVersionAsync(CancellationToken cancellationToken);

    /// <summary>The ids of the segments a profile is in now.</summary>
    Task<IReadOnlySet<string>> MembershipsAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes membership changes and timers with the position move they complete, if any, atomically; fails with
    /// <see cref="PositionConflictException"/> and changes nothing when another engine moved the position first.
    /// </summary>
    Task ApplyMembershipAsync(MembershipUpdate update, CancellationToken cancellationToken);

    /// <summary>A page of a segment's members, ordered by profile id, after <paramref name="afterProfileId"/>.</summary>
    Task<IReadOnlyList<SegmentMember>> MembersAsync(string segmentId, string? afterProfileId, int limit, CancellationToken cancellationToken);

    /// <summary>Current member count of every segment that has members.</summary>
    Task<IReadOnlyDictionary<string, long>> SegmentSizesAsync(CancellationToken cancellationToken);

    /// <summary>Entries and exits, oldest first, for a profile, a segment, or both.</summary>
    Task<IReadOnlyList<MembershipChange>> MembershipHistoryAsync(string? profileId, string? segmentId, int limit, CancellationToken cancellationToken);

    /// <summary>A segment's size after each change, oldest first.</summary>
    Task<IReadOnlyList<SegmentSizePoint>> SizeHistoryAsync(string segmentId, int limit, CancellationToken cancellationToken);

    /// <summary>Timers due at or before <paramref name="upTo"/>, earliest first.</summary>
    Task<IReadOnlyList<SegmentTimer>> DueTimersAsync(DateTimeOffset upTo, int max, CancellationToken cancellationToken);

    /// <summary>When the earliest timer is due, or null when none is set.</summary>
    Task<DateTimeOffset?> NextTimerAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Events after <paramref name="after"/> up to <paramref name="upTo"/> that the profile pipeline has assigned to a
    /// profile, as summaries (no payload): what decides which segments to evaluate again.
    /// </summary>
    Task<IReadOnlyList<AssignedEventSummary>> AssignedEventSummariesAsync(long after, long upTo, int max, CancellationToken cancellationToken);

    /// <summary>
    /// What segment rules need of each live profile among <paramref name="profileIds"/> (merged-away and unknown ids
    /// are left out), and no more than <paramref name="scope"/> asks for: the profile (without its identities: no
    /// rule reads them; with only its id when no rule reads it), the segments it is in, its pending timers of the
    /// scope's segments, and its events of the scope's names from each name's moment on, in event-time order
    /// (counted names: page calls are "Page Viewed"). A handful of queries for the whole list.
    /// </summary>
    Task<IReadOnlyList<ProfileSnapshot>> SnapshotsAsync(IReadOnlyList<string> profileIds, SnapshotScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// The ids, in ordinal order, of the profiles that meet <paramref name="filter"/>, are members of any of
    /// <paramref name="segmentIds"/> or have a timer pending for one of them: the only profiles whose membership a
    /// full recompute can change. May include merged-away ids (snapshots leave those out).
    /// </summary>
    Task<IReadOnlyList<string>> CandidateIdsAsync(CandidateFilter filter, IReadOnlyCollection<string> segmentIds, CancellationToken cancellationToken);

    /// <summary>A page of live profile ids in id order, for full recomputes.</summary>
    Task<IReadOnlyList<string>> ProfileIdsAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> live profile ids chosen at random, for previews.</summary>
    Task<IReadOnlyList<string>> SampleProfileIdsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>For every pair of segments with members in common: how many.</summary>
    Task<IReadOnlyList<SegmentIntersection>> IntersectionsAsync(CancellationToken cancellationToken);

    /// <summary>For every pair of the given segments with members in common: how many (reads only those segments' members).</summary>
    Task<IReadOnlyList<SegmentIntersection>> IntersectionsAsync(IReadOnlyCollection<string> segmentIds, CancellationToken cancellationToken);

    /// <summary>The smallest value of a computed trait among the top <paramref name="percent"/> of live profiles.</summary>
    Task<decimal?> TopThresholdAsync(string computed, decimal percent, CancellationToken cancellationToken);
}

/// <param name="Profile">The profile with the parts its scope named (<see cref="SnapshotScope.Profile"/>); the others are empty, not absent.</param>
/// <param name="Timers">Pending timers of the scope's timer segments: segment id → due moment.</param>
/// <param name="Timeline">When the scope asks for it: the times of all the profile's events, ascending (sessions are cut by their gaps).</param>
public sealed record ProfileSnapshot(Profiles.Profile Profile, IReadOnlySet<string> Memberships, IReadOnlyList<EventFact> Events,
    IReadOnlyDictionary<string, DateTimeOffset> Timers, IReadOnlyList<DateTimeOffset>? Timeline = null);

/// <summary>
/// What a snapshot must hold for the rules being evaluated (made by <see cref="SnapshotScopes.For"/>); what no rule reads is not read. An event name maps to
/// the earliest event time that can matter (null: all of them) and whether its payload (properties) is needed.
/// </summary>
/// <param name="Profile">The parts of the profile the rules read (traits, computed traits, consent, tags); the others are
/// left empty in the snapshot's profile. <see cref="Profiles.ProfileParts.None"/>: only its id and times (and what it was merged into).</param>
/// <param name="TimerSegments">Segments whose pending timers to include, so unchanged timers are not written again.</param>
/// <param name="Timeline">Whether to include the times of all the profile's events (for rules that group by session).</param>
public sealed record SnapshotScope(IReadOnlyDictionary<string, EventScope> Events, Profiles.ProfileParts Profile, IReadOnlyCollection<string> TimerSegments, bool Timeline = false)
{
    /// <summary>Everything about the given event names: all of their events with payloads, and the profile.</summary>
    public static SnapshotScope Full(IEnumerable<string> eventNames) =>
        new(eventNames.ToDictionary(n => n, _ => new EventScope(null, true), StringComparer.Ordinal), Profiles.ProfileParts.All, [], Timeline: true);
}

/// <param name="From">Events before this moment are left out; null: none are.</param>
/// <param name="Payload">Whether the event's message (properties, context) is read; without it only its name and time are.</param>
public readonly record struct EventScope(DateTimeOffset? From, bool Payload)
{
    /// <summary>
    /// The only paths of the message that are read (rules read through <see cref="Segments.Evaluation.EventFact.Property"/>);
    /// null: any part may be read. A store with encryption at rest leaves values sealed when no path names a protected
    /// field, since opening every message is most of what reading one costs.
    /// </summary>
    public IReadOnlySet<string>? Paths { get; init; }

    /// <summary>
    /// Whether reading the message at <see cref="Paths"/> can meet a value that <paramref name="protection"/> seals, so
    /// that it must be opened first. A value is sealed under its own key, so only a path through a protected key can
    /// (every run of its keys: a field may be named with a dot, which a path reads as one key), and a path that ends at
    /// <c>context.traits</c>, which reads the sealed values inside it whole.
    /// </summary>
    public bool MayReadSealed(Privacy.PersonalDataProtection protection)
    {
        if (!Payload || !protection.Enabled) return false;
        if (Paths is null) return true;
        foreach (var path in Paths)
        {
            if (path.Equals("context.traits", StringComparison.OrdinalIgnoreCase)) return true;
            var keys = path.Split('.');
            for (var first = 0; first < keys.Length; first++)
                for (var last = first; last < keys.Length; last++)
                    if (protection.IsProtected(string.Join('.', keys[first..(last + 1)]))) return true;
        }
        return false;
    }

    public bool Equals(EventScope other) => From == other.From && Payload == other.Payload
        && (Paths is null ? other.Paths is null : other.Paths is not null && Paths.SetEquals(other.Paths));

    public override int GetHashCode() => HashCode.Combine(From, Payload);
}

public readonly record struct MembershipChange(string SegmentId, string ProfileId, bool Entered, DateTimeOffset At);

/// <param name="DueAt">When to re-evaluate; null removes the timer.</param>
public readonly record struct SegmentTimer(string SegmentId, string ProfileId, DateTimeOffset? DueAt);

/// <param name="Position">The segment engine's position move, when this update completes a log batch.</param>
public sealed record MembershipUpdate(IReadOnlyList<MembershipChange> Changes, IReadOnlyList<SegmentTimer> Timers, PositionMove? Position = null)
{
    /// <summary>Items set aside instead of processed; stored in the same transaction, so the position moves past them atomically.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];

    /// <summary>
    /// Due timers this update fires, as they were read. The commit claims each (deletes it at exactly that due moment)
    /// before writing anything and refuses the whole update with <see cref="PositionConflictException"/> when one is
    /// gone or moved, so a timer fires once even when several nodes find it due at the same time.
    /// </summary>
    public IReadOnlyList<SegmentTimer> Fired { get; init; } = [];
}

public readonly record struct SegmentMember(string ProfileId, DateTimeOffset Since);

public readonly record struct SegmentSizePoint(DateTimeOffset At, long Size);

public readonly record struct SegmentIntersection(string First, string Second, long Common);
