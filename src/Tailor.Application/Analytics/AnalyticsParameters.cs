using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Application.Analytics;

/// <summary>
/// Reads a job's parameters (a JSON object, camelCase) into its typed record: absent members keep the record's
/// defaults, unknown members and wrong types are refused naming the field (<c>parameters.k</c>).
/// </summary>
public static class AnalyticsParameters
{
    /// <summary>Parameters larger than this are refused before parsing: nothing a job takes needs more.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        MaxDepth = 8,
    };

    public static OperationResult<T> Read<T>(JsonElement parameters) where T : class
    {
        if (parameters.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) parameters = Empty;
        if (parameters.ValueKind != JsonValueKind.Object) return OperationProblem.Invalid("parameters", "must be a JSON object");
        var text = parameters.GetRawText();
        if (text.Length > MaxBytes) return OperationProblem.Invalid("parameters", $"must be at most {MaxBytes} bytes");
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options) is { } value ? value : OperationProblem.Invalid("parameters", "must be a JSON object");
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 1 } path ? "parameters" + path[1..] : "parameters";
            return OperationProblem.Invalid(field, Rule(ex));
        }
    }

    /// <summary>An empty parameters object.</summary>
    public static JsonElement Empty { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    private static string Rule(JsonException ex) =>
        ex.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "is not a parameter of this kind"
        : ex.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type"
        : "must be valid JSON";
}
