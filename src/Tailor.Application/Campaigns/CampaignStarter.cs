using Tailor.Core.Segments;
using Tailor.Core.Storage;

namespace Tailor.Application.Campaigns;

/// <summary>Starts a campaign: its segment's members now become the audience, written to the ledger before anything is sent.</summary>
public sealed class CampaignStarter(ISegmentStore segments, ICampaignStore campaigns, TimeProvider time)
{
    /// <returns>The started campaign, or null when its segment no longer exists.</returns>
    public async Task<Campaign?> StartAsync(Campaign campaign, CancellationToken ct)
    {
        if ((await segments.ListSegmentsAsync(ct)).FirstOrDefault(s => s.Name == campaign.Segment) is not { } segment) return null;
        long size = 0;
        string? after = null;
        IReadOnlyList<SegmentMember> page;
        // Adding is idempotent, so a start interrupted half-way is simply done again.
        while ((page = await segments.MembersAsync(segment.Id, after, 1000, ct)).Count > 0)
        {
            await campaigns.AddRecipientsAsync(campaign.Id, [.. page.Select(m => m.ProfileId)], ct);
            size += page.Count;
            after = page[^1].ProfileId;
        }
        campaign = campaign with { Status = Campaign.Sending, StartedAt = time.GetUtcNow(), AudienceSize = size };
        await campaigns.SaveCampaignAsync(campaign, ct);
        return campaign;
    }
}
