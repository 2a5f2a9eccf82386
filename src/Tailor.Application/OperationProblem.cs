using Tailor.Core.Content;
using Tailor.Core.Events;

namespace Tailor.Application;

/// <summary>
/// Why a use case refused: the input broke a rule (<see cref="ProblemKind.Invalid"/>), what it names does not exist
/// (<see cref="ProblemKind.NotFound"/>), or it conflicts with what is stored (<see cref="ProblemKind.Conflict"/>). The
/// HTTP API maps these to 400, 404 and 409; the CLI prints them.
/// </summary>
/// <param name="Field">The offending field, as the API names it.</param>
/// <param name="Rule">What the field must be, in words.</param>
/// <param name="Syntax">For Liquid that does not parse: where, so the answer can give line and column.</param>
public sealed record OperationProblem(ProblemKind Kind, string Field, string Rule, TemplateSyntaxError? Syntax = null)
{
    /// <summary>A headline for the answer, when the rule alone does not say what happened.</summary>
    public string? Title { get; init; }

    public static OperationProblem Invalid(string field, string rule) => new(ProblemKind.Invalid, field, rule);

    public static OperationProblem Invalid(ValidationError error) => Invalid(error.Field, error.Rule);

    public static OperationProblem NotFound(string field, string rule) => new(ProblemKind.NotFound, field, rule);

    public static OperationProblem Conflict(string field, string rule) => new(ProblemKind.Conflict, field, rule);

    /// <summary>Liquid in <paramref name="field"/> that does not parse.</summary>
    public static OperationProblem NotLiquid(string field, TemplateSyntaxError error) => new(ProblemKind.Invalid, field, $"must be valid Liquid: {error}", error);
}
