using System.Security.Cryptography;
using System.Text;
using Tailor.Core.Events;
using Tailor.Core.Experiments;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Experiments;

/// <summary>
/// Experiments on journeys (docs/experiments.md, "Journeys under test"): the arm each profile of a trigger batch takes
/// at an <see cref="ExperimentStep"/> — the earliest recorded exposure (sticky across merges), else the documented
/// hash, the same as <c>/v1/personalize</c> — and the exposure when a run reaches the step: recorded as the profile's
/// first exposure and logged as an <c>Experiment Viewed</c> event through the event log.
/// </summary>
public sealed class JourneyExperiments(RunningExperiments running, IExperimentStore store, IProfileStore profiles, IEventSink sink)
{
    /// <summary>The running experiments on the triggers of <paramref name="triggers"/> that have a step under test, by trigger name.</summary>
    public async Task<IReadOnlyDictionary<string, RunningExperiments.Entry>> OnTriggersAsync(IEnumerable<(string Id, TriggerDefinition Definition)> triggers, CancellationToken ct)
    {
        var result = new Dictionary<string, RunningExperiments.Entry>(StringComparer.Ordinal);
        foreach (var (id, definition) in triggers)
        {
            if (!definition.Steps.Any(s => s is ExperimentStep)) continue;
            if ((await running.OnAsync(SubjectKind.Trigger, definition.Name, ct) ?? await running.OnAsync(SubjectKind.Trigger, id, ct)) is { } entry)
                result[definition.Name] = entry;
        }
        return result;
    }

    /// <summary>
    /// The arms of <paramref name="memberships"/>' profiles (profile id → its segment names) in <paramref name="entry"/>:
    /// only profiles in its audience; one read of their stored exposures.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JourneyArm>> ArmsAsync(RunningExperiments.Entry entry, IReadOnlyDictionary<string, IReadOnlySet<string>> memberships,
        CancellationToken ct)
    {
        var result = new Dictionary<string, JourneyArm>(StringComparer.Ordinal);
        if (entry.AudienceMissing) return result;
        var d = entry.Experiment.Definition;
        var inAudience = memberships.Where(m => d.Audience is null || m.Value.Contains(d.Audience)).Select(m => m.Key).ToArray();
        if (inAudience.Length == 0) return result;
        var stored = await store.ExposuresOfAsync(entry.Experiment.Key, inAudience, ct);
        foreach (var profileId in inAudience)
        {
            var arm = stored.TryGetValue(profileId, out var exposures) && StickyArm.Resolve(exposures) is { } sticky
                ? sticky.Earliest.Arm
                : ExperimentAssignment.Arm(d, profileId);
            result[profileId] = new JourneyArm(entry.Experiment.Key, arm, d.Variant(arm)?.Value);
        }
        return result;
    }

    /// <summary>
    /// A run of <paramref name="triggerId"/> reached step <paramref name="stepId"/> at <paramref name="at"/> (event time)
    /// and took <paramref name="arm"/>: the first exposure is recorded, and every one logged as <c>Experiment Viewed</c>,
    /// at that moment (the exposure's time is the journey's event time), with a messageId made of the experiment, profile, trigger, step and moment, so a batch retried logs it once.
    /// </summary>
    public async Task ExposeAsync(JourneyArm arm, string experimentName, string profileId, string triggerId, string? stepId, DateTimeOffset at, CancellationToken ct)
    {
        var first = await store.RecordExposureAsync(new Exposure(arm.Experiment, profileId, arm.Arm, at), ct);
        if (await profiles.GetProfileAsync(profileId, ct) is not { } profile) return;
        string? userId = null, anonymousId = null;
        foreach (var i in profile.Identities)
            if (i.Type == IdentityTypes.UserId) userId ??= i.Value;
            else if (i.Type == IdentityTypes.AnonymousId) anonymousId ??= i.Value;
        if (userId is null && anonymousId is null) return;
        if (userId is not null) anonymousId = null;
        var key = $"{arm.Experiment}\n{profileId}\n{triggerId}\n{stepId}\n{at.ToUnixTimeMilliseconds()}";
        var messageId = "exp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
        var properties = new Dictionary<string, object?>
        {
            ["experiment_id"] = arm.Experiment, ["experiment_name"] = experimentName, ["variation_id"] = arm.Arm, ["variation_name"] = arm.Arm,
            ["first_exposure"] = first, ["trigger_id"] = triggerId, ["step"] = stepId,
        };
        var fields = new Dictionary<string, object?> { ["event"] = ExperimentTallies.ExposureEvent, ["properties"] = properties };
        await sink.AppendAsync([OwnEvents.Create(EventType.Track, ExperimentTallies.ExposureEvent, userId, anonymousId, messageId, at, Triggers.TriggerEngine.TriggerSource, fields)], ct);
    }
}
