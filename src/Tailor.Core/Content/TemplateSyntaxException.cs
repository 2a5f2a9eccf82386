namespace Tailor.Core.Content;

/// <summary>Thrown where a caller asked for a template that must parse (stored content is validated at save time).</summary>
public sealed class TemplateSyntaxException(TemplateSyntaxError error) : FormatException(error.ToString())
{
    public TemplateSyntaxError Error { get; } = error;
}
