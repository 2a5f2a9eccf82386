using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;

namespace Tailor.Tests.Support;

/// <summary>
/// Builds Segment-spec messages and parses them with the real <see cref="MessageParser"/>, so tests feed the
/// pipeline exactly what ingestion would. Shared (linked) by the Core and Storage test projects.
/// </summary>
public static class Messages
{
    public const string SourceId = "src_test";

    /// <summary>A fixed, millisecond-precise instant: storage keeps event times in milliseconds.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    public static TailorEvent Track(string name, DateTimeOffset at, string? userId = null, string? anonymousId = null,
        JsonObject? properties = null, JsonObject? context = null, string? messageId = null) =>
        Build("track", at, userId, anonymousId, messageId, context, m =>
        {
            m["event"] = name;
            if (properties is not null) m["properties"] = properties;
        });

    public static TailorEvent Identify(DateTimeOffset at, string? userId = null, string? anonymousId = null,
        JsonObject? traits = null, JsonObject? context = null, string? messageId = null) =>
        Build("identify", at, userId, anonymousId, messageId, context, m =>
        {
            if (traits is not null) m["traits"] = traits;
        });

    public static TailorEvent Page(DateTimeOffset at, string? userId = null, string? anonymousId = null, string? name = null,
        JsonObject? context = null, string? messageId = null) =>
        Build("page", at, userId, anonymousId, messageId, context, m =>
        {
            if (name is not null) m["name"] = name;
        });

    public static TailorEvent Alias(DateTimeOffset at, string userId, string previousId, string? messageId = null) =>
        Build("alias", at, userId, null, messageId, null, m => m["previousId"] = previousId);

    /// <summary>A <c>Tags Updated</c> track event adding and removing hierarchical tags.</summary>
    public static TailorEvent TagsUpdated(DateTimeOffset at, string? userId = null, string? anonymousId = null, string[]? add = null, string[]? remove = null) =>
        Track("Tags Updated", at, userId, anonymousId, new JsonObject
        {
            ["add"] = new JsonArray([.. (add ?? []).Select(t => (JsonNode)JsonValue.Create(t))]),
            ["remove"] = new JsonArray([.. (remove ?? []).Select(t => (JsonNode)JsonValue.Create(t))]),
        });

    /// <summary>Parses one message as the tracking API would, received at <paramref name="receivedAt"/>.</summary>
    public static TailorEvent Parse(string json, DateTimeOffset receivedAt)
    {
        var parser = new MessageParser(IngestionLimits.Default, () => $"gen-{Guid.NewGuid():N}");
        using var document = JsonDocument.Parse(json);
        var result = parser.Parse(document.RootElement, null, new MessageParser.Arrival(SourceId, receivedAt));
        if (result.Error is { } error) throw new InvalidOperationException($"Test message is invalid: {error}");
        return result.Event!;
    }

    /// <summary>
    /// <paramref name="at"/> as analytics.js writes a timestamp (<c>2026-12-01T10:20:30.123Z</c>) when that form holds it
    /// exactly, so the tests' messages take the SQLite log's path that leaves it to the row's <c>ts</c>; else ISO 8601 round-trip.
    /// </summary>
    public static string Timestamp(DateTimeOffset at) => at.Ticks % TimeSpan.TicksPerMillisecond == 0
        ? at.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", System.Globalization.CultureInfo.InvariantCulture)
        : at.ToString("O");

    public static EventView View(TailorEvent e, long sequence = 1) => EventView.Parse(new LoggedEvent(sequence, e));

    private static TailorEvent Build(string type, DateTimeOffset at, string? userId, string? anonymousId, string? messageId,
        JsonObject? context, Action<JsonObject> fill)
    {
        var message = new JsonObject
        {
            ["type"] = type,
            ["messageId"] = messageId ?? $"m-{Guid.NewGuid():N}",
            ["timestamp"] = Timestamp(at),
        };
        if (userId is not null) message["userId"] = userId;
        if (anonymousId is not null) message["anonymousId"] = anonymousId;
        if (context is not null) message["context"] = context;
        fill(message);
        return Parse(message.ToJsonString(), at);
    }
}
