using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Core.Delivery;

/// <summary>A webhook to POST: the JSON <see cref="Body"/> exactly as decided (a retry sends the same bytes), signed when sent.</summary>
/// <param name="TimeoutMs">How long one request may take.</param>
/// <param name="Purpose">The consent purpose the gate checks again when it is sent; null on rows written before it was carried (the trigger's step says).</param>
public sealed record WebhookPayload(string Url, string Body, long TimeoutMs, string? Purpose = null) : DeliveryPayload
{
    public const string KindName = "webhook";

    [JsonIgnore]
    public override string Kind => KindName;

    [JsonIgnore]
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMs);

    public override string ToJson() => JsonSerializer.Serialize(this, DeliveryPayloadJson.Default.WebhookPayload);
}
