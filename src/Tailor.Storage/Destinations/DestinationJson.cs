using System.Text.Json.Serialization;
using Tailor.Core.Destinations;

namespace Tailor.Storage.Destinations;

/// <summary>The stored form of <see cref="DestinationSettings"/> (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DestinationSettings))]
internal sealed partial class DestinationJson : JsonSerializerContext;
