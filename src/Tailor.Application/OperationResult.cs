namespace Tailor.Application;

/// <summary>
/// What every use case returns: its value, or the <see cref="OperationProblem"/> that refused it. A use case answers
/// with either directly (<c>return segment;</c>, <c>return OperationProblem.NotFound("segment", "does not exist");</c>);
/// the HTTP API maps the problem through <c>ApiProblems</c> and the CLI prints its field and rule.
/// </summary>
public readonly record struct OperationResult<T>(T? Value, OperationProblem? Problem)
{
    /// <summary>True when the operation did what it was asked.</summary>
    public bool Succeeded => Problem is null;

    public static implicit operator OperationResult<T>(T value) => new(value, null);

    public static implicit operator OperationResult<T>(OperationProblem problem) => new(default, problem);
}
