using Tailor.Core.Storage;

namespace Tailor.Application.Campaigns;

/// <summary>A campaign with its recipients counted by status (<see cref="RecipientStatus"/>).</summary>
public sealed record CampaignProgress(Campaign Campaign, IReadOnlyDictionary<string, long> Recipients)
{
    public long Count(string status) => Recipients.GetValueOrDefault(status);
}
