using Tailor.Core.Experiments;
using Tailor.Core.Storage;

namespace Tailor.Application.Experiments;

/// <summary>
/// Gives a profile its arm of a running experiment: the arm of its earliest recorded exposure (its own or a
/// merged-away profile's: sticky across devices), else the hash (<see cref="ExperimentAssignment"/>), recorded as its
/// first exposure. Profiles outside the audience are not in the experiment.
/// </summary>
public sealed class ExperimentAssigner(IExperimentStore store, TimeProvider time)
{
    /// <summary>The arm served, and whether this was the profile's first exposure.</summary>
    public sealed record Assignment(string ExperimentKey, string Arm, bool First);

    /// <param name="memberships">The profile's segment ids (for the audience).</param>
    /// <returns>Null when the profile is not in the audience.</returns>
    public async Task<Assignment?> AssignAsync(RunningExperiments.Entry entry, string profileId, IReadOnlySet<string> memberships, CancellationToken ct)
    {
        if (entry.AudienceMissing || (entry.AudienceId is { } audience && !memberships.Contains(audience))) return null;
        var key = entry.Experiment.Key;
        if (StickyArm.Resolve(await store.ExposuresAsync(key, profileId, ct)) is { } sticky) return new Assignment(key, sticky.Earliest.Arm, First: false);
        var arm = ExperimentAssignment.Arm(entry.Experiment.Definition, profileId);
        var first = await store.RecordExposureAsync(new Exposure(key, profileId, arm, time.GetUtcNow()), ct);
        if (!first && StickyArm.Resolve(await store.ExposuresAsync(key, profileId, ct)) is { } raced) return new Assignment(key, raced.Earliest.Arm, First: false);
        return new Assignment(key, arm, first);
    }
}
