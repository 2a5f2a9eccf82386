using System.Globalization;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>An event as exported: the columns of the <c>events</c> table (docs/connectors.md).</summary>
internal readonly record struct EventRow(
    long Sequence, string MessageId, string Type, string? Name, string ProfileId, string? UserId, string? AnonymousId,
    DateTimeOffset Timestamp, DateTimeOffset ReceivedAt, string SourceId, double? Revenue, string? Properties)
{
    /// <summary>Reads the columns from the logged event; <c>revenue</c> is <c>properties.revenue</c> (else <c>total</c>) when it is a number.</summary>
    public static EventRow From(AssignedEvent assigned)
    {
        var e = assigned.Event;
        double? revenue = null;
        string? properties = null;
        using (var doc = JsonDocument.Parse(e.Payload))
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object &&
                root.TryGetProperty(e.Type is EventType.Identify or EventType.Group ? "traits" : "properties", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                properties = fields.GetRawText();
                if ((fields.TryGetProperty("revenue", out var r) || fields.TryGetProperty("total", out r)) && r.ValueKind == JsonValueKind.Number) revenue = r.GetDouble();
            }
        }
        return new EventRow(assigned.Sequence, e.MessageId, e.Type.ToWire(), e.Name, assigned.ProfileId, e.UserId, e.AnonymousId, e.Timestamp, e.ReceivedAt, e.SourceId, revenue, properties);
    }
}

/// <summary>A profile as exported: identities, traits (scores written back by analytics are traits), computed traits, consent, tags.</summary>
internal readonly record struct ProfileRow(
    string ProfileId, string? MergedInto, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Identities, string Traits,
    long EventCount, long OrderCount, double TotalRevenue, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, DateTimeOffset? LastOrderAt,
    double EngagementScore, string Consent, string Tags)
{
    public static ProfileRow From(Profile p)
    {
        var c = p.Computed;
        return new ProfileRow(p.Id, p.MergedInto, p.CreatedAt, p.UpdatedAt,
            Json(w => { w.WriteStartArray(); foreach (var i in p.Identities) { w.WriteStartObject(); w.WriteString("type", i.Type); w.WriteString("value", i.Value); w.WriteEndObject(); } w.WriteEndArray(); }),
            Json(w => { w.WriteStartObject(); foreach (var (name, value) in p.Traits) { w.WritePropertyName(name); value.Value.WriteTo(w); } w.WriteEndObject(); }),
            c.EventCount, c.OrderCount, (double)c.TotalRevenue, c.FirstSeen, c.LastSeen, c.LastOrderAt, c.EngagementScore,
            Json(w => { w.WriteStartObject(); foreach (var (purpose, r) in p.Consent) w.WriteBoolean(purpose, r.Granted); w.WriteEndObject(); }),
            Json(w => { w.WriteStartArray(); foreach (var tag in p.Tags) w.WriteStringValue(tag); w.WriteEndArray(); }));
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The partition a row goes to: its UTC day, <c>yyyy-MM-dd</c>.</summary>
internal static class ExportDay
{
    public static string Of(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
