using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Events;

namespace Tailor.Server.Hosting;

/// <summary>The 400 problem document every API area answers invalid input with: the field and the rule it broke.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Invalid(string field, string rule) =>
        TypedResults.Problem(title: $"'{field}' {rule}", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { new ValidationError(field, rule) } });
}
