using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Application;
using Tailor.Core.Content;
using Tailor.Core.Events;

namespace Tailor.Server.Hosting;

/// <summary>
/// The problem documents every API area answers a refusal with: 400 naming the field and the rule it broke (with line and
/// column for Liquid that does not parse), 409 for a conflict with what is stored. A not-found problem is answered by
/// the handler with a bare 404.
/// </summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Invalid(string field, string rule) =>
        TypedResults.Problem(title: $"'{field}' {rule}", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { new ValidationError(field, rule) } });

    /// <summary>A use case's refusal: 400 for invalid input (Liquid syntax with its position), 409 for a conflict.</summary>
    public static ProblemHttpResult For(OperationProblem problem) => problem switch
    {
        { Syntax: { } syntax } => Syntax(problem.Field, syntax),
        { Kind: ProblemKind.Conflict } => TypedResults.Problem(title: problem.Title, statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["field"] = problem.Field, ["rule"] = problem.Rule }),
        _ => Invalid(problem.Field, problem.Rule),
    };

    /// <summary>Liquid in <paramref name="field"/> that does not parse, answered with its line and column.</summary>
    public static ProblemHttpResult Syntax(string field, TemplateSyntaxError error) =>
        TypedResults.Problem(title: $"'{field}' is not valid Liquid: {error}", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new[] { new ValidationError(field, $"must be valid Liquid: {error}") },
                ["field"] = field,
                ["line"] = error.Line,
                ["column"] = error.Column,
                ["message"] = error.Message,
            });
}
