using System.Text.Json;

namespace Tailor.Core.Events;

/// <summary>
/// Events Tailor writes itself (a change through the API, an email opened, a score written back, an experiment exposure),
/// shaped as a client would have sent them: type, userId / anonymousId, messageId and timestamp, plus the given fields
/// (<c>event</c>, <c>properties</c>, <c>traits</c>, <c>context</c>).
/// </summary>
public static class OwnEvents
{
    public static TailorEvent Create(EventType type, string? name, string? userId, string? anonymousId, string messageId, DateTimeOffset at, string source,
        IReadOnlyDictionary<string, object?> fields)
    {
        var message = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = type.ToWire(), ["userId"] = userId, ["anonymousId"] = anonymousId, ["messageId"] = messageId, ["timestamp"] = at,
        };
        foreach (var (key, value) in fields) message[key] = value;
        return new TailorEvent(messageId, type, name, userId, anonymousId, at, at, source, JsonSerializer.Serialize(message));
    }
}
