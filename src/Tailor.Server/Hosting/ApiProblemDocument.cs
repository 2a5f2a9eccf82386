using Tailor.Core.Events;

namespace Tailor.Server.Hosting;

/// <summary>
/// The shape of every error Tailor answers (RFC 9457 <c>application/problem+json</c>), as the OpenAPI document
/// describes it: the standard members plus <c>errors</c>, each naming the field and the rule it broke. Never
/// serialized by the server (handlers answer <c>TypedResults.Problem</c>); it exists so the document and clients
/// know the shape.
/// </summary>
/// <param name="Errors">Each refused field with its rule (and, in a batch, the message's index).</param>
/// <param name="Field">A conflict's field, or where Liquid failed to parse.</param>
/// <param name="Rule">A conflict's rule.</param>
public sealed record ApiProblemDocument(string? Type, string Title, int Status, string? Detail, string? Instance,
    IReadOnlyList<ValidationError>? Errors, string? Field, string? Rule);
