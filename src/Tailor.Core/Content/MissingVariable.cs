namespace Tailor.Core.Content;

/// <param name="Path">The variable as written, e.g. <c>profile.traits.first_name</c>.</param>
/// <param name="Line">The 1-based line of the template (or block variant) that reads it.</param>
/// <param name="HasDefault">The expression gives a <c>default</c>, so readers saw the fallback.</param>
/// <param name="Block">The block whose variant reads it, or null for the template itself.</param>
public sealed record MissingVariable(string Path, int Line, bool HasDefault, string? Block = null);
