namespace Tailor.Core.Content;

/// <summary>Why a template (or a block variant) does not parse: the 1-based line and column and what was wrong.</summary>
public sealed record TemplateSyntaxError(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}
