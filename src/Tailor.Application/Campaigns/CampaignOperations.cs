using Tailor.Core.Content;
using Tailor.Core.Storage;

namespace Tailor.Application.Campaigns;

/// <summary>
/// Campaigns — a template sent to a segment's members — once for the HTTP API and the CLI: create (checked), list
/// with counts, read the send ledger, and start. Sending itself is the server's campaign sender; callers wake it
/// after a start or a schedule.
/// </summary>
public sealed class CampaignOperations(ICampaignStore campaigns, IContentStore content, ISegmentStore segments, CampaignStarter starter, LiquidEngine engine,
    IdSource ids, TimeProvider time)
{
    private static readonly string[] Statuses = [RecipientStatus.Pending, RecipientStatus.Sending, RecipientStatus.Sent, RecipientStatus.SuppressedConsent,
        RecipientStatus.SuppressedCap, RecipientStatus.Failed, RecipientStatus.Interrupted, RecipientStatus.HeldOut];

    /// <summary>A draft (or, with <see cref="CampaignDraft.SendAt"/>, a scheduled campaign) of an existing template to an existing segment.</summary>
    public async Task<OperationResult<Campaign>> CreateAsync(CampaignDraft draft, CancellationToken ct)
    {
        if (ContentNames.Check("name", draft.Name) is { } nameError) return OperationProblem.Invalid(nameError.Field, nameError.Rule);
        if (string.IsNullOrWhiteSpace(draft.Template)) return OperationProblem.Invalid("template", "is required");
        if (await content.GetContentAsync(ContentKinds.Template, draft.Template, ct) is null)
            return OperationProblem.Invalid("template", $"must name an existing template; \"{draft.Template}\" does not exist");
        if (string.IsNullOrWhiteSpace(draft.Segment)) return OperationProblem.Invalid("segment", "is required");
        var all = await segments.ListSegmentsAsync(ct);
        if ((all.FirstOrDefault(s => s.Name == draft.Segment) ?? all.FirstOrDefault(s => s.Id == draft.Segment)) is not { } segment)
            return OperationProblem.Invalid("segment", $"must name an existing segment; \"{draft.Segment}\" does not exist");
        if (draft.Subject is not null && !engine.TryParseTemplate(draft.Subject, out _, out var subjectError)) return OperationProblem.NotLiquid("subject", subjectError);
        for (var i = 0; i < draft.Caps.Count; i++)
            if (draft.Caps[i].Problem() is { } problem) return OperationProblem.Invalid($"frequencyCaps[{i}]", problem);
        var now = time.GetUtcNow();
        if (draft.SendAt is { } sendAt && sendAt <= now) return OperationProblem.Invalid("sendAt", "must be in the future; to send now, create without it and POST /send");
        var campaign = new Campaign(ids.New("cmp"), draft.Name!.Trim(), draft.Template, segment.Name, draft.Subject, draft.From,
            draft.SendAt is null ? Campaign.Draft : Campaign.Scheduled, now, null, null, 0, draft.Caps, draft.SendAt);
        await campaigns.SaveCampaignAsync(campaign, ct);
        return campaign;
    }

    /// <summary>Every campaign with its counts.</summary>
    public async Task<IReadOnlyList<CampaignProgress>> ListAsync(CancellationToken ct)
    {
        var list = new List<CampaignProgress>();
        foreach (var c in await campaigns.ListCampaignsAsync(ct)) list.Add(await ProgressAsync(c, ct));
        return list;
    }

    /// <summary>A campaign with its counts, or null.</summary>
    public async Task<CampaignProgress?> GetAsync(string id, CancellationToken ct) =>
        await campaigns.GetCampaignAsync(id, ct) is { } c ? await ProgressAsync(c, ct) : null;

    public async Task<CampaignProgress> ProgressAsync(Campaign campaign, CancellationToken ct) =>
        new(campaign, await campaigns.RecipientCountsAsync(campaign.Id, ct));

    /// <summary>The send ledger, a page at a time: each recipient's status and why.</summary>
    public async Task<OperationResult<IReadOnlyList<RecipientOutcome>>> RecipientsAsync(string id, string? status, string? after, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return OperationProblem.Invalid("limit", "must be between 1 and 1000");
        if (status is not null && !Statuses.Contains(status)) return OperationProblem.Invalid("status", $"must be one of {string.Join(", ", Statuses)}");
        if (await campaigns.GetCampaignAsync(id, ct) is null) return OperationProblem.NotFound("id", $"no campaign '{id}'");
        return new OperationResult<IReadOnlyList<RecipientOutcome>>(await campaigns.RecipientsAsync(id, status, after, limit ?? 100, ct), null);
    }

    /// <summary>Takes the segment's members as the audience; only a draft or scheduled campaign can be started.</summary>
    public async Task<OperationResult<Campaign>> StartAsync(string id, CancellationToken ct)
    {
        if (await campaigns.GetCampaignAsync(id, ct) is not { } campaign) return OperationProblem.NotFound("id", $"no campaign '{id}'");
        if (campaign.Status is not (Campaign.Draft or Campaign.Scheduled))
            return OperationProblem.Conflict("status", "only a draft or scheduled campaign can be sent") with { Title = $"The campaign is already {campaign.Status}" };
        if (await starter.StartAsync(campaign, ct) is not { } started) return OperationProblem.Invalid("segment", $"segment \"{campaign.Segment}\" no longer exists");
        return started;
    }
}
