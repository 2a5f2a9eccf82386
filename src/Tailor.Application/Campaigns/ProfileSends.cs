using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Storage;

namespace Tailor.Application.Campaigns;

/// <summary>
/// What the campaigns sent one person: for each started campaign (the latest <see cref="MaxCampaigns"/>) whose audience
/// held the profile, the recipient's status with its detail and time, and how often they opened and clicked it (the
/// profile's own <c>Email Opened</c> / <c>Email Link Clicked</c> events carrying the campaign's origin, the latest
/// <see cref="MaxEngagementEvents"/> of each). Each campaign is read by its ledger's primary key, so the cost does not
/// grow with the size of the audiences.
/// </summary>
public sealed class ProfileSends(ICampaignStore campaigns, IProfileStore profiles, IEventLog log)
{
    public const int MaxCampaigns = 200, MaxEngagementEvents = 1000;

    /// <param name="Opens">Opens of this campaign's email by this profile.</param>
    /// <param name="Clicks">Clicks on its links by this profile.</param>
    public sealed record Send(Campaign Campaign, RecipientOutcome Outcome, int Opens, int Clicks);

    /// <summary>The profile's sends, newest campaign first; not found when there is no such profile.</summary>
    public async Task<OperationResult<IReadOnlyList<Send>>> OfAsync(string profileId, CancellationToken ct)
    {
        if (await profiles.GetProfileAsync(profileId, ct) is not { } profile) return OperationProblem.NotFound("id", $"no profile '{profileId}'");
        var started = (await campaigns.ListCampaignsAsync(ct)).Where(c => c.StartedAt is not null)
            .OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id, StringComparer.Ordinal).Take(MaxCampaigns);
        var opens = await CountByOriginAsync(profile.Id, EmailStatsOperations.Opened, ct);
        var clicks = await CountByOriginAsync(profile.Id, EmailStatsOperations.Clicked, ct);
        var sends = new List<Send>();
        foreach (var campaign in started)
        {
            if (await campaigns.RecipientAsync(campaign.Id, profile.Id, ct) is not { } outcome) continue;
            var origin = $"campaign:{campaign.Id}"; // as the tracking events carry it (EmailStats.Origin)
            sends.Add(new Send(campaign, outcome, opens.GetValueOrDefault(origin), clicks.GetValueOrDefault(origin)));
        }
        return sends;
    }

    private async Task<Dictionary<string, int>> CountByOriginAsync(string profileId, string eventName, CancellationToken ct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in await log.ProfileEventsAsync(new EventQuery(profileId, eventName, null, null, null, MaxEngagementEvents), ct))
            if (Origin(e.Event.Payload) is { } origin) counts[origin] = counts.GetValueOrDefault(origin) + 1;
        return counts;
    }

    private static string? Origin(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("origin", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
    }
}
