using Tailor.Application.DeadLetters;
using System.Text.Json;
using Tailor.Core.Storage;
using Tailor.Server.Campaigns;

namespace Tailor.Server.DeadLetters;

/// <summary>Replays a campaign recipient set aside after its send threw: sends it to that recipient again, unless it was sent meanwhile.</summary>
public sealed class CampaignReplayer(ICampaignStore store, CampaignSender sender) : IDeadLetterReplayer
{
    public string Stage => CampaignSender.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(letter.Payload);
        var campaignId = payload.RootElement.GetProperty("campaignId").GetString()!;
        var profileId = payload.RootElement.GetProperty("profileId").GetString()!;
        if (await store.RecipientAsync(campaignId, profileId, cancellationToken) is { Status: RecipientStatus.Sent })
            return new DeadLetterReplayResult($"campaign {campaignId} was already sent to {profileId}; not sent again");
        var outcome = await sender.ResendAsync(campaignId, profileId, cancellationToken);
        return new DeadLetterReplayResult($"campaign {campaignId} to {profileId}: {outcome.Status}{(outcome.Detail is { } d ? $" ({d})" : "")}");
    }
}
