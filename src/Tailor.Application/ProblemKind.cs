namespace Tailor.Application;

/// <summary>The kinds of refusal a use case answers with (see <see cref="OperationProblem"/>).</summary>
public enum ProblemKind
{
    Invalid,
    NotFound,
    Conflict,
}
