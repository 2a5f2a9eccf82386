using System.Text.Json.Serialization;

namespace Tailor.Core.Experiments;

/// <summary>Draft (editable, assigns nobody), running (assigns and logs exposures), stopped (assigns nobody; results stay readable).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExperimentStatus>))]
public enum ExperimentStatus
{
    [JsonStringEnumMemberName("draft")]
    Draft,
    [JsonStringEnumMemberName("running")]
    Running,
    [JsonStringEnumMemberName("stopped")]
    Stopped,
}
