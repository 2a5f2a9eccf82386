using Tailor.Core.Experiments;

namespace Tailor.Core.Storage;

/// <summary>
/// Experiments (one JSON definition each, with status and times), the first exposure of each profile to each
/// experiment, and the per-arm sums of a metric computed in the database from the event log (docs/experiments.md).
/// Exposures are kept by the profile they were served to; a merge is resolved when they are read: a live profile's
/// exposures are its own and those of every profile merged into it, and the earliest wins (<see cref="StickyArm"/>).
/// </summary>
public interface IExperimentStore
{
    /// <summary>Inserts or replaces; with <paramref name="createOnly"/> an existing one is left alone and false returned.</summary>
    Task<bool> SaveExperimentAsync(Experiment experiment, bool createOnly, CancellationToken cancellationToken);

    Task<Experiment?> GetExperimentAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every experiment, by key.</summary>
    Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken);

    /// <summary>Records a first exposure; false (and nothing changed) when the profile already has one for the experiment.</summary>
    Task<bool> RecordExposureAsync(Exposure exposure, CancellationToken cancellationToken);

    /// <summary>The first exposures to <paramref name="experimentKey"/> of <paramref name="profileId"/> and of every profile merged into it.</summary>
    Task<IReadOnlyList<Exposure>> ExposuresAsync(string experimentKey, string profileId, CancellationToken cancellationToken);

    /// <summary>Units per arm, each live profile once at its earliest exposure, optionally only members of a segment (by id).</summary>
    Task<ExposureSummary> ExposureSummaryAsync(string experimentKey, string? segmentId, CancellationToken cancellationToken);

    /// <summary>
    /// The per-arm sums of <paramref name="metric"/> over the units (as <see cref="ExposureSummaryAsync"/>), recomputed
    /// from the event log: the reference the experiments follower's incremental sums (<see cref="TallyAsync"/>) agree with.
    /// </summary>
    Task<IReadOnlyList<ArmSums>> ArmSumsAsync(string experimentKey, ExperimentMetric metric, string? segmentId, CancellationToken cancellationToken);

    /// <summary>
    /// The experiments follower's tally: units per arm and every metric's per-arm sums, read from a few rows per arm; with
    /// <paramref name="segmentId"/>, summed over the units that are the segment's current members.
    /// </summary>
    Task<ExperimentTally> TallyAsync(string experimentKey, string? segmentId, CancellationToken cancellationToken);

    /// <summary>The follower's units of these profiles, in every experiment.</summary>
    Task<IReadOnlyList<ExperimentUnit>> UnitsAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken);

    /// <summary>The follower's units of the profiles merged into <paramref name="survivor"/> (to be folded into the survivor's).</summary>
    Task<IReadOnlyList<ExperimentUnit>> MergedUnitsAsync(string survivor, CancellationToken cancellationToken);

    /// <summary>The first exposures to an experiment of each of <paramref name="owners"/> and of the profiles merged into it, by owner.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<Exposure>>> ExposuresOfAsync(string experimentKey, IReadOnlyCollection<string> owners, CancellationToken cancellationToken);

    /// <summary>
    /// The events of these profiles with these names logged at or before <paramref name="upTo"/>, in log order: a new
    /// unit's history (its pre-exposure covariate, and window events logged before its exposure event), read once.
    /// </summary>
    Task<IReadOnlyList<AssignedEvent>> HistoryAsync(IReadOnlyCollection<string> profileIds, IReadOnlyCollection<string> names, long upTo, CancellationToken cancellationToken);

    /// <summary>Commits a step of the experiments follower with its position; <see cref="PositionConflictException"/> when the position moved.</summary>
    Task CommitTallyAsync(TallyCommit commit, CancellationToken cancellationToken);
}
