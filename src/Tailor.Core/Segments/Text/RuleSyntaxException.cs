namespace Tailor.Core.Segments.Text;

/// <summary>A rule that does not parse: where (1-based line and column), what was expected, and what was found.</summary>
public sealed class RuleSyntaxException(int line, int column, string expected, string found)
    : FormatException($"line {line}, column {column}: expected {expected}, found {found}")
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Expected { get; } = expected;
    public string Found { get; } = found;
}
