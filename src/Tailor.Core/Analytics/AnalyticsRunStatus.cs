using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Core.Analytics;

/// <summary>Where a run is: queued (the API accepted it), running, succeeded or failed. Written as <c>"succeeded"</c> in JSON.</summary>
[JsonConverter(typeof(AnalyticsRunStatusJson))]
public enum AnalyticsRunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>Writes <see cref="AnalyticsRunStatus"/> in lower camel case, as the rest of the API names things.</summary>
public sealed class AnalyticsRunStatusJson() : JsonStringEnumConverter<AnalyticsRunStatus>(JsonNamingPolicy.CamelCase);
