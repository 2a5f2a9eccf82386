using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Application;
using Tailor.Server.Ingestion;

namespace Tailor.Server.Profiles;

/// <summary>
/// Writes events that Tailor itself records on a profile — a change through the API, an email opened or clicked, an
/// action of a trigger — through the same log as every other event (docs/architecture.md: everything that changes a profile is
/// an event). They are attributed to the profile's userId, else its anonymousId.
/// </summary>
public sealed class ProfileEventWriter(EventLogWriter writer, IdSource ids, TimeProvider time)
{
    /// <summary>
    /// An event of <paramref name="type"/> on <paramref name="profile"/> whose message is <paramref name="fields"/>
    /// (e.g. <c>event</c>, <c>properties</c>, <c>traits</c>, <c>context</c>) plus type, ids and timestamp; null when the
    /// profile has neither a userId nor an anonymousId to attribute it to.
    /// </summary>
    public TailorEvent? Event(Profile profile, string messageId, EventType type, string? name, Dictionary<string, object?> fields, string source)
    {
        var userId = profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.UserId).Value;
        var anonymousId = userId is null ? profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.AnonymousId).Value : null;
        if (userId is null && anonymousId is null) return null;
        return OwnEvents.Create(type, name, userId, anonymousId, messageId, time.GetUtcNow(), source, fields);
    }

    /// <summary>Appends the events durably (returns after the commit).</summary>
    public Task WriteAsync(IReadOnlyList<TailorEvent> events, CancellationToken ct) => writer.WriteAsync(events, ct);

    /// <summary>A track call named <paramref name="name"/>; returns its messageId, or null when the profile cannot be attributed.</summary>
    public async Task<string?> TrackAsync(Profile profile, string name, Dictionary<string, object?> properties, Dictionary<string, object?> context,
        string source, string messageIdPrefix, CancellationToken ct)
    {
        var messageId = ids.New(messageIdPrefix);
        if (Event(profile, messageId, EventType.Track, name, new() { ["event"] = name, ["properties"] = properties, ["context"] = context }, source) is not { } e)
            return null;
        await writer.WriteAsync([e], ct);
        return messageId;
    }
}
