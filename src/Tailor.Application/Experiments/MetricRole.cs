using System.Text.Json.Serialization;

namespace Tailor.Application.Experiments;

/// <summary>What a metric is for: the primary decides, secondary ones inform, guardrails must not get worse.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricRole>))]
public enum MetricRole
{
    [JsonStringEnumMemberName("primary")]
    Primary,
    [JsonStringEnumMemberName("secondary")]
    Secondary,
    [JsonStringEnumMemberName("guardrail")]
    Guardrail,
}
