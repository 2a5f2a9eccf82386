using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Core.Delivery;

/// <summary>A webhook to POST: the JSON <see cref="Body"/> exactly as decided (a retry sends the same bytes), signed when sent.</summary>
/// <param name="TimeoutMs">How long one request may take.</param>
public sealed record WebhookPayload(string Url, string Body, long TimeoutMs) : DeliveryPayload
{
    public const string KindName = "webhook";

    [JsonIgnore]
    public override string Kind => KindName;

    [JsonIgnore]
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMs);

    public override string ToJson() => JsonSerializer.Serialize(this, DeliveryPayloadJson.Default.WebhookPayload);
}
