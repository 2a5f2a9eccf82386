using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Core.Destinations;

/// <summary>
/// Which events a forwarding destination re-sends and how each is written: filtered by type, name and an optional
/// <see cref="PropertyCondition"/>, its properties (or traits) renamed and dropped, written as one message of
/// Segment's batch format (the Tracking API spec), so any Segment-compatible receiver takes it. Built once from the
/// settings; pure.
/// </summary>
public sealed class EventSelection
{
    private readonly HashSet<string>? _names;
    private readonly HashSet<EventType>? _types;
    private readonly PropertyCondition? _where;
    private readonly IReadOnlyDictionary<string, string> _rename;
    private readonly HashSet<string> _drop;

    public EventSelection(DestinationSettings settings)
    {
        _names = settings.Events is { Count: > 0 } names ? new HashSet<string>(names, StringComparer.Ordinal) : null;
        if (settings.Types is { Count: > 0 } types)
        {
            _types = [];
            foreach (var type in types)
                if (EventTypes.TryParse(type, out var parsed)) _types.Add(parsed);
        }
        _where = settings.Where is { Length: > 0 } where ? PropertyCondition.Parse(where).Condition : null;
        _rename = settings.Rename ?? new Dictionary<string, string>();
        _drop = new HashSet<string>(settings.Drop ?? [], StringComparer.Ordinal);
    }

    /// <summary>True when the event passes the type and name filters and the condition.</summary>
    public bool Selects(TailorEvent e, JsonElement message)
    {
        if (_types is not null && !_types.Contains(e.Type)) return false;
        if (_names is not null && (e.Name is null || !_names.Contains(e.Name))) return false;
        return _where is null || _where.Matches(Fields(message, e.Type));
    }

    /// <summary>Writes the event as a Segment message: type, ids, event/name, timestamp, context, and the mapped properties or traits.</summary>
    public void Write(Utf8JsonWriter w, TailorEvent e, JsonElement message)
    {
        w.WriteStartObject();
        w.WriteString("type", e.Type.ToWire());
        w.WriteString("messageId", e.MessageId);
        if (e.UserId is not null) w.WriteString("userId", e.UserId);
        if (e.AnonymousId is not null) w.WriteString("anonymousId", e.AnonymousId);
        if (e.Name is not null) w.WriteString(e.Type == EventType.Track ? "event" : "name", e.Name);
        w.WriteString("timestamp", e.Timestamp);
        if (message.ValueKind == JsonValueKind.Object)
        {
            foreach (var passthrough in new[] { "context", "groupId", "previousId" })
                if (message.TryGetProperty(passthrough, out var value)) { w.WritePropertyName(passthrough); value.WriteTo(w); }
        }
        var section = SectionOf(e.Type);
        var fields = Fields(message, e.Type);
        if (fields.ValueKind == JsonValueKind.Object)
        {
            w.WriteStartObject(section);
            foreach (var field in fields.EnumerateObject())
            {
                if (_drop.Contains(field.Name)) continue;
                w.WritePropertyName(_rename.TryGetValue(field.Name, out var renamed) ? renamed : field.Name);
                field.Value.WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static string SectionOf(EventType type) => type is EventType.Identify or EventType.Group ? "traits" : "properties";

    private static JsonElement Fields(JsonElement message, EventType type) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(SectionOf(type), out var fields) ? fields : default;
}
