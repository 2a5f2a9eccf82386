namespace Tailor.Core.Content;

/// <summary>What a render produced: the output, the blocks it chose, and (in strict mode) every variable the template read that had no value.</summary>
public sealed record RenderResult(string Output, IReadOnlyList<MissingVariable> Missing, IReadOnlyList<BlockChoice> Blocks);

/// <param name="Path">The variable as written, e.g. <c>profile.traits.first_name</c>.</param>
/// <param name="Line">The 1-based line of the template (or block variant) that reads it.</param>
/// <param name="HasDefault">The expression gives a <c>default</c>, so readers saw the fallback.</param>
/// <param name="Block">The block whose variant reads it, or null for the template itself.</param>
public sealed record MissingVariable(string Path, int Line, bool HasDefault, string? Block = null);

/// <summary>A template failed while rendering (not while parsing), e.g. a filter given a value it cannot take.</summary>
public sealed class TemplateRenderException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
