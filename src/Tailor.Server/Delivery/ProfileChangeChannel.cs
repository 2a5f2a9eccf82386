using System.Text.Json.Nodes;
using Tailor.Core.Delivery;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Profiles;
using Tailor.Application.Triggers;

namespace Tailor.Server.Delivery;

/// <summary>
/// Writes a profile change as events in the log, like any other (docs/architecture.md): an <c>identify</c> for the traits and a
/// tags event. Their message ids come from the delivery id, so a repeat after a crash is a duplicate the log drops.
/// </summary>
public sealed class ProfileChangeChannel(IProfileStore profiles, ProfileEventWriter events) : IDeliveryChannel
{
    public string Kind => ProfileChangePayload.KindName;

    public async Task<ChannelResult> SendAsync(ActionDelivery delivery, CancellationToken cancellationToken)
    {
        var payload = (ProfileChangePayload)DeliveryPayload.Read(delivery.Kind, delivery.Payload);
        var profile = await profiles.GetProfileAsync(delivery.ProfileId, cancellationToken);
        if (profile is null) return ChannelResult.Dead("the profile no longer exists");
        var written = new List<TailorEvent?>();
        if (payload.Traits.Count > 0)
            written.Add(events.Event(profile, $"trigger-{delivery.Id}-traits", EventType.Identify, null,
                new() { ["traits"] = payload.Traits.DeepClone() }, TriggerEngine.TriggerSource));
        if (payload.AddTags.Count + payload.RemoveTags.Count > 0)
            written.Add(events.Event(profile, $"trigger-{delivery.Id}-tags", EventType.Track, ProfileReducer.TagsUpdated, new()
            {
                ["event"] = ProfileReducer.TagsUpdated,
                ["properties"] = new JsonObject { ["add"] = Tags(payload.AddTags), ["remove"] = Tags(payload.RemoveTags) },
            }, TriggerEngine.TriggerSource));
        if (written.Contains(null)) return ChannelResult.Dead("the profile has no userId or anonymousId to record the change on");
        await events.WriteAsync(written!, cancellationToken);
        return ChannelResult.Sent($"profile change logged as {string.Join(", ", written.Select(e => e!.MessageId))}");
    }

    private static JsonArray Tags(IReadOnlyList<string> tags) => new([.. tags.Select(t => (JsonNode)t)]);
}
