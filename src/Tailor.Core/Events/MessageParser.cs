using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Tailor.Core.Events;

/// <summary>
/// Turns one Segment-spec message into a <see cref="TailorEvent"/>, or says which field broke which rule.
/// Pure: the receive time, source and message-id generator come from the caller.
/// </summary>
public sealed class MessageParser(IngestionLimits limits, Func<string> newMessageId)
{
    public const int MaxIdLength = 256;

    /// <summary>Where and when a request arrived; shared by every message of a batch.</summary>
    /// <param name="EnvelopeSentAt">A batch's top-level <c>sentAt</c>, used when a message has none.</param>
    public readonly record struct Arrival(string SourceId, DateTimeOffset ReceivedAt, DateTimeOffset? EnvelopeSentAt = null);

    /// <param name="routeType">The type fixed by the endpoint (<c>/v1/track</c>), or null when the message names it (<c>/v1/batch</c>).</param>
    public ParseResult Parse(JsonElement message, EventType? routeType, in Arrival arrival, int? index = null)
    {
        if (message.ValueKind != JsonValueKind.Object)
            return Fail("message", "must be a JSON object", index);

        var utf8 = JsonMarshal.GetRawUtf8Value(message);
        if (utf8.Length > limits.MaxMessageBytes)
            return Fail("message", $"must be at most {limits.MaxMessageBytes / 1024} KB", index);
        // Before any field is read as text: an invalid string would throw there, or worse, be stored and fail later.
        if (TextRules.Check(utf8, index) is { } textError) return new ParseResult(null, textError);

        EventType type;
        if (routeType is { } fixedType)
        {
            type = fixedType;
        }
        else if (!message.TryGetProperty("type", out var typeElement))
        {
            return Fail("type", "is required", index);
        }
        else if (typeElement.ValueKind != JsonValueKind.String || !EventTypes.TryParse(typeElement.GetString(), out type))
        {
            return Fail("type", "must be one of track, identify, page, screen, group, alias", index);
        }

        if (!TryId(message, "userId", out var userId, out var error, index)) return error;
        if (!TryId(message, "anonymousId", out var anonymousId, out error, index)) return error;
        if (userId is null && anonymousId is null)
            return Fail("userId", "userId or anonymousId is required", index);

        string? name = null;
        switch (type)
        {
            case EventType.Track:
                if (!TryRequiredString(message, "event", out name, out error, index)) return error;
                break;
            case EventType.Page or EventType.Screen:
                if (!TryOptionalString(message, "name", out name, out error, index)) return error;
                break;
            case EventType.Alias:
                if (!TryId(message, "previousId", out var previousId, out error, index)) return error;
                if (previousId is null) return Fail("previousId", "is required for alias", index);
                if (userId is null) return Fail("userId", "is required for alias", index);
                break;
            case EventType.Group:
                if (!TryId(message, "groupId", out var groupId, out error, index)) return error;
                if (groupId is null) return Fail("groupId", "is required for group", index);
                break;
        }

        foreach (var objectField in ObjectFields)
        {
            if (message.TryGetProperty(objectField, out var value) && value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                return Fail(objectField, "must be a JSON object", index);
        }

        if (!TryOptionalString(message, "messageId", out var messageId, out error, index)) return error;
        if (messageId is { Length: > MaxIdLength }) return Fail("messageId", $"must be at most {MaxIdLength} characters", index);
        if (!TryDate(message, "timestamp", out var timestamp, out error, index)) return error;
        if (!TryDate(message, "sentAt", out var sentAt, out error, index)) return error;

        if (!TryCorrectClockSkew(timestamp, sentAt ?? arrival.EnvelopeSentAt, arrival.ReceivedAt, out var eventTime))
            return Fail("timestamp", "must be a date that, corrected by sentAt, lies between years 1 and 9999", index);
        var raw = Encoding.UTF8.GetString(utf8);
        if (eventTime - arrival.ReceivedAt > limits.FutureTolerance)
        {
            // A time in the future would pin traits and consent ("latest wins") until then: the event happened when it arrived.
            eventTime = arrival.ReceivedAt;
            raw = WithOriginalTimestamp(message, raw);
        }
        return new ParseResult(new TailorEvent(
            string.IsNullOrEmpty(messageId) ? newMessageId() : messageId,
            type, name, userId, anonymousId, eventTime, arrival.ReceivedAt, arrival.SourceId, raw), null);
    }

    /// <summary>
    /// Segment's rule: a client's clock may be wrong, so shift the timestamp by how far the client's
    /// <c>sentAt</c> is from our receive time. Without a timestamp the event happened when it was received.
    /// </summary>
    public static bool TryCorrectClockSkew(DateTimeOffset? timestamp, DateTimeOffset? sentAt, DateTimeOffset receivedAt, out DateTimeOffset corrected)
    {
        corrected = receivedAt;
        if (timestamp is not { } ts) return true;
        if (sentAt is not { } sent)
        {
            corrected = ts;
            return true;
        }
        var skew = receivedAt - sent;
        if ((skew > TimeSpan.Zero && ts > DateTimeOffset.MaxValue - skew) || (skew < TimeSpan.Zero && ts < DateTimeOffset.MinValue - skew))
            return false;
        corrected = ts + skew;
        return true;
    }

    /// <summary>
    /// Keeps the client's claim next to the clamped time under Segment's name for it, <c>originalTimestamp</c>
    /// (unless the client sent one itself); the rest of the message stays as sent.
    /// </summary>
    private static string WithOriginalTimestamp(JsonElement message, string raw)
    {
        if (message.TryGetProperty("originalTimestamp", out _) || !message.TryGetProperty("timestamp", out var original)) return raw;
        var start = raw.IndexOf('{', StringComparison.Ordinal) + 1;
        var separator = raw.AsSpan(start).TrimStart().StartsWith("}") ? "" : ",";
        return $"{raw[..start]}\"originalTimestamp\":{original.GetRawText()}{separator}{raw[start..]}";
    }

    private static readonly string[] ObjectFields = ["context", "properties", "traits", "integrations"];

    private static ParseResult Fail(string field, string rule, int? index) => new(null, new ValidationError(field, rule, index));

    private static bool TryId(JsonElement message, string field, out string? value, out ParseResult error, int? index)
    {
        value = null;
        error = default;
        if (!message.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null) return true;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                value = element.GetString();
                if (string.IsNullOrWhiteSpace(value)) value = null;
                break;
            case JsonValueKind.Number:
                value = element.GetRawText(); // clients send numeric ids; Segment stores them as strings
                break;
            default:
                error = Fail(field, "must be a string", index);
                return false;
        }
        if (value is { Length: > MaxIdLength })
        {
            error = Fail(field, $"must be at most {MaxIdLength} characters", index);
            return false;
        }
        return true;
    }

    private static bool TryRequiredString(JsonElement message, string field, out string? value, out ParseResult error, int? index)
    {
        if (!TryOptionalString(message, field, out value, out error, index)) return false;
        if (!string.IsNullOrWhiteSpace(value)) return true;
        error = Fail(field, "is required and must be a non-empty string", index);
        return false;
    }

    private static bool TryOptionalString(JsonElement message, string field, out string? value, out ParseResult error, int? index)
    {
        value = null;
        error = default;
        if (!message.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString();
            return true;
        }
        error = Fail(field, "must be a string", index);
        return false;
    }

    private static bool TryDate(JsonElement message, string field, out DateTimeOffset? value, out ParseResult error, int? index)
    {
        value = null;
        error = default;
        if (!message.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out var parsed))
        {
            // A time without an offset is UTC, as in Segment; the parser alone would read it in the server's time zone.
            if (element.TryGetDateTime(out var unzoned) && unzoned.Kind == DateTimeKind.Unspecified)
                parsed = new DateTimeOffset(unzoned, TimeSpan.Zero);
            value = parsed;
            return true;
        }
        error = Fail(field, "must be an ISO-8601 date-time string", index);
        return false;
    }
}

/// <summary>Either an event or the reason the message was refused.</summary>
public readonly record struct ParseResult(TailorEvent? Event, ValidationError? Error);
