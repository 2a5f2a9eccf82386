namespace Tailor.Application;

/// <summary>What a use case returns: its value, or the <see cref="OperationProblem"/> that refused it.</summary>
public readonly record struct OperationResult<T>(T? Value, OperationProblem? Problem)
{
    public static implicit operator OperationResult<T>(T value) => new(value, null);

    public static implicit operator OperationResult<T>(OperationProblem problem) => new(default, problem);
}
