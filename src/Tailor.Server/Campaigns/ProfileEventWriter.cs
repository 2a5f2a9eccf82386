using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Server.Ingestion;
using Tailor.Server.Profiles;

namespace Tailor.Server.Campaigns;

/// <summary>
/// Records what happens to an email (opened, clicked, unsubscribed) as a track event on the profile, through the
/// same log as every other event (DESIGN.md: everything that changes a profile is an event).
/// </summary>
public sealed class ProfileEventWriter(EventLogWriter writer, TimeProvider time)
{
    /// <returns>False when the profile has no userId or anonymousId to attribute the event to.</returns>
    public async Task<bool> WriteAsync(Profile profile, string name, Dictionary<string, object?> properties, Dictionary<string, object?> context, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var userId = profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.UserId).Value;
        var anonymousId = userId is null ? profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.AnonymousId).Value : null;
        if (userId is null && anonymousId is null) return false;
        var messageId = $"email-{Guid.CreateVersion7():N}";
        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "track", ["event"] = name, ["userId"] = userId, ["anonymousId"] = anonymousId, ["messageId"] = messageId,
            ["timestamp"] = now, ["properties"] = properties, ["context"] = context,
        });
        await writer.WriteAsync([new TailorEvent(messageId, EventType.Track, name, userId, anonymousId, now, now, ProfilesApi.ApiSource, payload)], ct);
        return true;
    }
}
