using System.Text.Json.Serialization;

namespace Tailor.Core.Delivery;

/// <summary>The source-generated serializer of outbox payloads (camelCase, as rows were always written).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EmailPayload))]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(ProfileChangePayload))]
public sealed partial class DeliveryPayloadJson : JsonSerializerContext;
