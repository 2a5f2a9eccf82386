using System.Net;

namespace Tailor.Client;

/// <summary>Tailor refused a request: the HTTP status and the problem document's title and errors (field and rule).</summary>
public sealed class TailorApiException(HttpStatusCode status, string title, IReadOnlyList<FieldError> errors)
    : Exception($"{(int)status} {title}{(errors.Count == 0 ? "" : ": " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Rule}")))}")
{
    public HttpStatusCode Status { get; } = status;
    public string Title { get; } = title;
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
