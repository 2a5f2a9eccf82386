using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Events;

namespace Tailor.Server.Hosting;

/// <summary>The problem document a use case's validation errors are answered with: like <see cref="ApiProblems.Invalid"/>, with every error.</summary>
internal static class OutcomeProblems
{
    public static ProblemHttpResult Invalid(IReadOnlyList<ValidationError> errors) =>
        TypedResults.Problem(title: $"'{errors[0].Field}' {errors[0].Rule}", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = errors.ToArray() });
}
