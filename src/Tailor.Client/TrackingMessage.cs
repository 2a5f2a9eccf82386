using System.Text.Json;

namespace Tailor.Client;

/// <summary>A Segment-spec message (track, identify, page, …). <see cref="UserId"/> or <see cref="AnonymousId"/> is required.</summary>
public sealed record TrackingMessage
{
    /// <summary>In a batch: track, identify, page, screen, group or alias.</summary>
    public string? Type { get; init; }
    public string? UserId { get; init; }
    public string? AnonymousId { get; init; }
    /// <summary>The event name of a track.</summary>
    public string? Event { get; init; }
    /// <summary>The page or screen name.</summary>
    public string? Name { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Properties { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Traits { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Context { get; init; }
    /// <summary>Stored once per source: sending the same message again is counted as a duplicate.</summary>
    public string? MessageId { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
}
