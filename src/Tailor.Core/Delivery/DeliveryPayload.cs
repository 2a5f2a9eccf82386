using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Core.Delivery;

/// <summary>
/// What one outbox row carries, as decided when the run reached its step: one record per action kind, written and
/// read through <see cref="DeliveryPayloadJson"/> (source-generated), so the trigger engine and the delivery channels
/// share a type rather than JSON keys. The kind is stored beside the payload, so the JSON carries no discriminator;
/// the shapes are those rows already in an outbox were written in.
/// </summary>
public abstract record DeliveryPayload
{
    /// <summary>The action kind the row is stored under (<c>email</c>, <c>webhook</c>, <c>profile</c>).</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>The JSON stored in the outbox.</summary>
    public abstract string ToJson();

    /// <summary>Reads a stored payload of <paramref name="kind"/>.</summary>
    /// <exception cref="JsonException">The JSON does not have the kind's shape.</exception>
    /// <exception cref="NotSupportedException">An unknown kind.</exception>
    public static DeliveryPayload Read(string kind, string json) => kind switch
    {
        EmailPayload.KindName => JsonSerializer.Deserialize(json, DeliveryPayloadJson.Default.EmailPayload) ?? throw Empty(kind),
        WebhookPayload.KindName => JsonSerializer.Deserialize(json, DeliveryPayloadJson.Default.WebhookPayload) ?? throw Empty(kind),
        ProfileChangePayload.KindName => JsonSerializer.Deserialize(json, DeliveryPayloadJson.Default.ProfileChangePayload) ?? throw Empty(kind),
        _ => throw new NotSupportedException($"unknown delivery kind {kind}"),
    };

    private static JsonException Empty(string kind) => new($"the {kind} payload is empty");
}
