using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Core.Delivery;

/// <summary>
/// An email to send. <see cref="To"/> is the address decided when the run reached the step. When
/// <see cref="Liquid"/> is true, <see cref="From"/>, <see cref="Subject"/> and <see cref="Body"/> are Liquid sources
/// rendered when the email is sent, from the profile as it is then and the starting <see cref="Event"/>, like a
/// stored <see cref="Template"/>; rows written before (no <c>liquid</c> field) hold them already rendered.
/// </summary>
/// <param name="Body">The plain-text body of an inline email; null with a <paramref name="Template"/>.</param>
/// <param name="Template">The stored Liquid template to render, or null for an inline email.</param>
/// <param name="Event">The message that started the run.</param>
public sealed record EmailPayload(string To, string? From, string? Subject, string? Body, string? Template = null, JsonElement? Event = null, bool Liquid = false)
    : DeliveryPayload
{
    public const string KindName = "email";

    [JsonIgnore]
    public override string Kind => KindName;

    public override string ToJson() => JsonSerializer.Serialize(this, DeliveryPayloadJson.Default.EmailPayload);
}
