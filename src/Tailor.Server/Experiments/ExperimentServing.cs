using Tailor.Application.Experiments;
using Tailor.Application;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Experiments;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Ingestion;
using Tailor.Server.Profiles;

namespace Tailor.Server.Experiments;

/// <summary>
/// Applies assignment where content is served (docs/experiments.md, "Applying assignment"): the global holdout first
/// (its holdout gets no personalization anywhere), then the running experiment on the subject. Every exposure is
/// logged as an <c>Experiment Viewed</c> track event through the event log (as Segment's spec names it); the first
/// one is recorded as the profile's exposure, which metrics count from.
/// </summary>
public sealed class ExperimentServing(RunningExperiments running, ExperimentAssigner assigner, ISegmentStore segments, IProfileStore profiles, EventLogWriter writer, IdSource ids, TimeProvider time)
{
    /// <summary>The track event every exposure is logged as.</summary>
    public const string ExposureEvent = "Experiment Viewed";

    /// <summary>An arm served: <see cref="Variant"/> is null for the holdout.</summary>
    public sealed record Served(Experiment Experiment, string Arm, ExperimentVariant? Variant)
    {
        public bool Holdout => Arm == ExperimentArms.Holdout;
    }

    /// <summary>The global holdout's arm for a consenting, known profile (null when no global holdout runs or the profile is outside its audience).</summary>
    public async Task<Served?> GlobalAsync(Profile profile, ProfileIdentifier identity, CancellationToken ct) =>
        await running.ByKeyAsync(ExperimentArms.GlobalKey, ct) is { } entry ? await AssignAsync(entry, profile, identity, ct) : null;

    /// <summary>The arm of the running experiment on a subject, logged as an exposure; null when none runs or the profile is outside its audience.</summary>
    public async Task<Served?> ForAsync(SubjectKind kind, string? name, Profile profile, ProfileIdentifier identity, CancellationToken ct) =>
        await running.OnAsync(kind, name, ct) is { } entry ? await AssignAsync(entry, profile, identity, ct) : null;

    /// <summary>The arm of a running experiment by key (flags); null when it is not running or the profile is outside its audience.</summary>
    public async Task<Served?> ByKeyAsync(string key, Profile profile, ProfileIdentifier identity, CancellationToken ct) =>
        await running.ByKeyAsync(key, ct) is { } entry ? await AssignAsync(entry, profile, identity, ct) : null;

    /// <summary>Whether an experiment with this key is running.</summary>
    public async Task<Experiment?> RunningAsync(string key, CancellationToken ct) => (await running.ByKeyAsync(key, ct))?.Experiment;

    /// <summary>A campaign recipient's arm and the template it sends (null: the campaign's own; for the holdout: nothing is sent).</summary>
    public sealed record CampaignArm(Served Served, Content.StoredTemplate? Template);

    /// <summary>
    /// The arm of a campaign's recipient when the campaign is under test (null when no experiment runs on it or the
    /// recipient is outside its audience): its template (null: the campaign's own), or the holdout, which is not sent.
    /// The exposure is logged either way, attributed to the recipient's userId (else anonymousId).
    /// </summary>
    public async Task<CampaignArm?> CampaignArmAsync(Core.Storage.Campaign campaign, string profileId, Content.ContentCatalog.Snapshot content, CancellationToken ct)
    {
        var entry = await running.OnAsync(SubjectKind.Campaign, campaign.Name, ct) ?? await running.OnAsync(SubjectKind.Campaign, campaign.Id, ct);
        if (entry is null || await profiles.GetProfileAsync(profileId, ct) is not { } profile) return null;
        ProfileIdentifier? identity = null;
        foreach (var i in profile.Identities)
            if (i.Type == IdentityTypes.UserId || (identity is null && i.Type == IdentityTypes.AnonymousId)) identity = i;
        if (identity is null || await AssignAsync(entry, profile, identity.Value, ct) is not { } served) return null;
        return new CampaignArm(served, served.Variant?.Template is { } name ? content.Templates.GetValueOrDefault(name) : null);
    }

    /// <summary>
    /// The block with <paramref name="variant"/> forced (a block experiment's arm): that variant's content is the only
    /// choice; an unknown variant name leaves the block as it is (chosen by its rules).
    /// </summary>
    public static CompiledBlock Force(CompiledBlock block, string variant)
    {
        var chosen = block.Definition.Variants.FirstOrDefault(v => v.Name == variant);
        return chosen is null ? block
            : new CompiledBlock(block.Definition with { Variants = [], Tree = null }, new Dictionary<string, CompiledContent>(), block.ContentOf(chosen));
    }

    /// <param name="identity">Who asked (the verified userId or the anonymousId): the exposure event is attributed to it.</param>
    /// <summary>The <c>Experiment Viewed</c> track call, as a client would have sent it, from Tailor's own source.</summary>
    private TailorEvent ExposureMessage(ProfileIdentifier identity, Dictionary<string, object?> properties)
    {
        var (userId, anonymousId) = identity.Type == IdentityTypes.UserId ? (identity.Value, (string?)null) : ((string?)null, identity.Value);
        var fields = new Dictionary<string, object?> { ["event"] = ExposureEvent, ["properties"] = properties };
        return OwnEvents.Create(EventType.Track, ExposureEvent, userId, anonymousId, ids.New("exp"), time.GetUtcNow(), ProfilesApi.ApiSource, fields);
    }

    private async Task<Served?> AssignAsync(RunningExperiments.Entry entry, Profile profile, ProfileIdentifier identity, CancellationToken ct)
    {
        IReadOnlySet<string> memberships = entry.AudienceId is null ? new HashSet<string>() : await segments.MembershipsAsync(profile.Id, ct);
        if (await assigner.AssignAsync(entry, profile.Id, memberships, ct) is not { } assignment) return null;
        var experiment = entry.Experiment;
        var variant = experiment.Definition.Variant(assignment.Arm);
        var properties = new Dictionary<string, object?>
        {
            ["experiment_id"] = experiment.Key, ["experiment_name"] = experiment.Definition.Name ?? experiment.Key,
            ["variation_id"] = assignment.Arm, ["variation_name"] = assignment.Arm, ["first_exposure"] = assignment.First,
        };
        await writer.WriteAsync([ExposureMessage(identity, properties)], ct);
        return new Served(experiment, assignment.Arm, variant);
    }
}
