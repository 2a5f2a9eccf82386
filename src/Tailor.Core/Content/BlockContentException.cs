namespace Tailor.Core.Content;

/// <summary>A block body that does not parse, with the field that holds it.</summary>
public sealed class BlockContentException(string field, TemplateSyntaxError error) : FormatException($"{field}: {error}")
{
    public string Field { get; } = field;
    public TemplateSyntaxError Error { get; } = error;
}
