using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Nodes;

namespace Tailor.Core.Delivery;

/// <summary>A change to write to the profile through the event log: traits to set (a null value unsets), tags to add and remove.</summary>
public sealed record ProfileChangePayload(JsonObject Traits, IReadOnlyList<string> AddTags, IReadOnlyList<string> RemoveTags) : DeliveryPayload
{
    public const string KindName = "profile";

    [JsonIgnore]
    public override string Kind => KindName;

    public override string ToJson() => JsonSerializer.Serialize(this, DeliveryPayloadJson.Default.ProfileChangePayload);
}
