namespace Tailor.Core.Content;

/// <summary>
/// What the caller knows about where content is shown: the request's language, device and geo (web placements), or
/// nothing (emails). The profile's own locale, timezone and geo traits take precedence where set.
/// </summary>
public sealed record RequestContext(string? Locale = null, string? Device = null, string? Country = null, string? City = null, string? Region = null)
{
    public static RequestContext None { get; } = new();
}
