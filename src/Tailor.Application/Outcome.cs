using Tailor.Core.Events;

namespace Tailor.Application;

/// <summary>
/// What a use case answers: its value, or the validation errors (field and rule) that stopped it, or the name of what
/// was not found. The API maps it to 200/400/404 and the CLI to its output and exit code; neither decides anything.
/// A failure is written <c>Outcome.Invalid("rule", "is required")</c> or <c>Outcome.NotFound("segment")</c>, a success
/// <c>Outcome.Ok(value)</c>.
/// </summary>
/// <param name="Missing">What does not exist (e.g. <c>segment</c>, <c>profile</c>); null when everything named was found.</param>
public sealed record Outcome<T>(T? Value, IReadOnlyList<ValidationError> Errors, string? Missing = null)
{
    /// <summary>True when the operation did what it was asked.</summary>
    public bool Succeeded => Errors.Count == 0 && Missing is null;

    /// <summary>The failure this outcome is, to answer with from a use case of another type; throws on a success.</summary>
    public Outcome.Failure Failure => Succeeded ? throw new InvalidOperationException("the outcome succeeded") : new(Errors, Missing);

    public static implicit operator Outcome<T>(Outcome.Failure failure) => new(default, failure.Errors, failure.Missing);
}

/// <summary>Makes <see cref="Outcome{T}"/> values: a success, or a failure that converts to an outcome of any type.</summary>
public static class Outcome
{
    public static Outcome<T> Ok<T>(T value) => new(value, []);

    public static Failure Invalid(string field, string rule) => new([new ValidationError(field, rule)], null);

    public static Failure Invalid(ValidationError error) => new([error], null);

    public static Failure NotFound(string what) => new([], what);

    /// <summary>A failed outcome of no particular type.</summary>
    public sealed record Failure(IReadOnlyList<ValidationError> Errors, string? Missing);
}
