using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Tailor.Core.Events;

namespace Tailor.Server.Hosting;

/// <summary>
/// Turns the framework's own refusals (a body that is not JSON, a field of the wrong JSON type, a query value that
/// does not parse, a missing content type) into problem details that name the field and the rule, like every other
/// Tailor error. Without it those requests got an empty 400.
/// </summary>
internal sealed partial class BadRequestProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var error = Describe(bad);
        var problem = TypedResults.Problem(title: "The request is invalid", detail: bad.InnerException?.Message ?? bad.Message, statusCode: bad.StatusCode,
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { error } });
        await problem.ExecuteAsync(http);
        return true;
    }

    internal static ValidationError Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = json.Path is null or "$" ? "body" : json.Path.TrimStart('$', '.');
            if (ConvertedTo().Match(json.Message) is not { Success: true } converted) return new(field, "must be valid JSON");
            return new(field, Expected(converted.Groups[1].Value) ?? (field == "body" ? "must be a JSON object" : "has the wrong JSON type"));
        }
        if (BindFailure().Match(bad.Message) is { Success: true } binding)
            return new(binding.Groups[2].Value, Expected(binding.Groups[1].Value) ?? $"must be a valid {binding.Groups[1].Value}");
        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal)) return new("body", "is required");
        return new("request", bad.Message);
    }

    /// <summary>The rule for a .NET type named by the framework, or null when the name is one of our request records.</summary>
    private static string? Expected(string type) => NullableOf().Replace(type, "$1").TrimEnd('?') switch
    {
        "System.Boolean" or "bool" => "must be true or false",
        "System.String" or "string" => "must be a string",
        "System.Int32" or "System.Int64" or "int" or "long" => "must be an integer",
        "System.DateTimeOffset" or "DateTimeOffset" => "must be an ISO-8601 date-time",
        "System.String[]" => "must be an array of strings",
        "System.Collections.Generic.Dictionary`2[System.String,System.Boolean]" => "must be an object mapping names to true or false",
        var t when t.StartsWith("System.", StringComparison.Ordinal) => $"must be a valid {t}",
        _ => null,
    };

    // "The JSON value could not be converted to System.Boolean. Path: $.purposes.email | ..."
    [GeneratedRegex(@"converted to (\S+?)\. Path:")]
    private static partial Regex ConvertedTo();

    // "Nullable<int>" as the binder names an optional query parameter
    [GeneratedRegex(@"^Nullable<(.+)>$")]
    private static partial Regex NullableOf();

    // "Failed to bind parameter \"int? limit\" from \"abc\"."
    [GeneratedRegex("""Failed to bind parameter "([^"]+) (\w+)" from""")]
    private static partial Regex BindFailure();
}
