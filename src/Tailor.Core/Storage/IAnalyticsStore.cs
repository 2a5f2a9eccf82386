using Tailor.Core.Analytics;

namespace Tailor.Core.Storage;

/// <summary>Analytics runs with their artifacts, and the bulk reads analytics jobs learn from.</summary>
public interface IAnalyticsStore
{
    /// <summary>Creates or replaces the run (by id), keeping its artifacts unless <paramref name="artifacts"/> is given.</summary>
    Task SaveRunAsync(AnalyticsRun run, IReadOnlyList<AnalyticsArtifact>? artifacts, CancellationToken cancellationToken);

    Task<AnalyticsRun?> GetRunAsync(string id, CancellationToken cancellationToken);

    /// <summary>The newest runs first, optionally of one kind.</summary>
    Task<IReadOnlyList<AnalyticsRun>> ListRunsAsync(string? kind, int limit, CancellationToken cancellationToken);

    /// <summary>Runs in <paramref name="status"/> (e.g. the queue), oldest first.</summary>
    Task<IReadOnlyList<AnalyticsRun>> RunsInStatusAsync(AnalyticsRunStatus status, int limit, CancellationToken cancellationToken);

    /// <summary>The newest succeeded run of <paramref name="kind"/> that was promoted (the model in use), or null.</summary>
    Task<AnalyticsRun?> LatestPromotedAsync(string kind, CancellationToken cancellationToken);

    Task<AnalyticsArtifact?> GetArtifactAsync(string runId, string name, CancellationToken cancellationToken);

    Task SaveScheduleAsync(AnalyticsSchedule schedule, CancellationToken cancellationToken);

    /// <summary>Every schedule, the next due first.</summary>
    Task<IReadOnlyList<AnalyticsSchedule>> ListSchedulesAsync(CancellationToken cancellationToken);

    Task<bool> DeleteScheduleAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a due schedule from <paramref name="dueAt"/> to <paramref name="nextAt"/> and records the run it queued, only if
    /// it is still due at <paramref name="dueAt"/>: of several nodes (or a retried step) exactly one claims each due moment.
    /// </summary>
    Task<bool> ClaimScheduleAsync(string id, DateTimeOffset dueAt, DateTimeOffset nextAt, string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Track events named any of <paramref name="names"/> with event time before <paramref name="until"/>, that belong to a
    /// profile (after merges), in log order. Streamed: a job may read millions.
    /// </summary>
    IAsyncEnumerable<TrackedEvent> ReadTracksAsync(IReadOnlyCollection<string> names, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="profileIds"/> that exists and has a userId or an anonymousId: the ids an event written
    /// back to it carries (a merged-away id is left out).
    /// </summary>
    Task<IReadOnlyDictionary<string, ProfileAttribution>> AttributionsAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken);

    /// <summary>
    /// The live profiles among <paramref name="profileIds"/> (merged-away ids left out), for the consent gate: a job
    /// writes back or trains on only the profiles <c>ConsentGate</c> lets through.
    /// </summary>
    Task<IReadOnlyDictionary<string, Profiles.Profile>> LiveProfilesAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken);

    /// <summary>Every live profile's traits and computed traits, in id order. Streamed.</summary>
    IAsyncEnumerable<ProfileFeatures> ReadProfilesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Moves a follower's position in a commit of its own, with <paramref name="setAside"/> (a dead letter) when the move
    /// passes an item that kept failing: for followers whose work is idempotent appends to the event log (the rfm
    /// follower), which move after the work is stored. Throws <see cref="PositionConflictException"/>, storing nothing,
    /// when the position is no longer <see cref="PositionMove.From"/>.
    /// </summary>
    Task MovePositionAsync(PositionMove move, DeadLetter? setAside, CancellationToken cancellationToken);
}
