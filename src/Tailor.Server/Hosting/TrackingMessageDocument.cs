using System.Text.Json;

namespace Tailor.Server.Hosting;

/// <summary>
/// One Segment-spec message as <c>/v1/track</c>, <c>/v1/identify</c>, … and each item of <c>/v1/batch</c> take it,
/// for the OpenAPI document and clients (the server reads the body with <c>MessageParser</c>, which names the
/// field and rule of whatever it refuses). <c>userId</c> or <c>anonymousId</c> is required.
/// </summary>
/// <param name="Type">In a batch: track, identify, page, screen, group or alias.</param>
/// <param name="Event">The event name (track).</param>
/// <param name="Name">The page or screen name.</param>
/// <param name="MessageId">Deduplication key: a message id stored once per source.</param>
public sealed record TrackingMessageDocument(string? Type, string? UserId, string? AnonymousId, string? Event, string? Name,
    string? GroupId, string? PreviousId, JsonElement? Properties, JsonElement? Traits, JsonElement? Context, JsonElement? Integrations,
    string? MessageId, DateTimeOffset? Timestamp, DateTimeOffset? OriginalTimestamp, DateTimeOffset? SentAt, string? WriteKey);
