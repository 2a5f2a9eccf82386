using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Application.Sources;

/// <summary>
/// Payloads a source could not map, set aside as dead letters of stage <see cref="Stage"/> with the reason, and held
/// whole (body, topic, webhook id, receive time) so that a replay after the mapping is fixed maps exactly what came.
/// </summary>
public static class SourceDeadLetters
{
    /// <summary>The dead-letter stage of source payloads.</summary>
    public const string Stage = "sources";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static DeadLetter For(InboundPayload payload, MappingException error, DateTimeOffset at) =>
        new(0, Stage, $"{payload.SourceId}:{payload.WebhookId ?? payload.IdBase}", payload.SourceId, JsonSerializer.Serialize(payload, Json),
            $"cannot be mapped: {error.Message}", null, 1, at);

    public static InboundPayload Unhold(string held) =>
        JsonSerializer.Deserialize<InboundPayload>(held, Json) ?? throw new InvalidDataException("the dead letter holds no payload");

    /// <summary>A short stable id from parts (a body, a row's key and cursor): the base of messageIds the mapping does not give.</summary>
    public static string IdBase(string prefix, params string[] parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        return $"{prefix}-{Convert.ToHexStringLower(hash.AsSpan(0, 16))}";
    }
}
