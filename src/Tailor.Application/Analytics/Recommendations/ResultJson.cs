using System.Text.Json;

namespace Tailor.Application.Analytics.Recommendations;

/// <summary>How recommendation results are written: camelCase, nulls left out.</summary>
internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
}
