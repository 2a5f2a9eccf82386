using Tailor.Core.Limits;

namespace Tailor.Core.Content;

/// <summary>
/// Measures how deep a Liquid source nests before Fluid parses it. Fluid's parser and renderer recurse once per
/// nested tag, parenthesis, bracket and filter: a few thousand <c>{% if %}</c>, <c>(</c> or <c>| upcase</c> in one template
/// overflow the stack and kill the process, which no exception handler can catch. The scan is conservative (a tag
/// name inside <c>{% raw %}</c> counts too), and iterative.
/// </summary>
internal static class LiquidNesting
{
    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal)
    {
        "if", "unless", "for", "case", "capture", "tablerow", "comment", "raw", "ifchanged", "paginate", "macro", "from", "block",
    };

    /// <summary>The first place where the source nests deeper than the limits allow; null when it does not.</summary>
    public static TemplateSyntaxError? Check(string source, DefinitionLimits limits)
    {
        int tags = 0, line = 1, lineStart = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n') { line++; lineStart = i + 1; continue; }
            if (source[i] != '{' || i + 1 >= source.Length || source[i + 1] is not ('%' or '{')) continue;
            var isTag = source[i + 1] == '%';
            var close = source.IndexOf(isTag ? "%}" : "}}", i + 2, StringComparison.Ordinal);
            var end = close < 0 ? source.Length : close;
            var column = i - lineStart + 1;
            var inside = source.AsSpan(i + 2, end - i - 2);
            if (Expression(inside, limits) is { } problem) return new TemplateSyntaxError(line, column, problem);
            if (isTag)
            {
                // {% liquid %} holds one tag per line, without delimiters.
                var name = FirstWord(inside, out var rest);
                if (name == "liquid")
                {
                    foreach (var tagLine in rest.ToString().Split('\n'))
                        if (Count(FirstWord(tagLine, out _), ref tags, limits) is { } deep) return new TemplateSyntaxError(line, column, deep);
                }
                else if (Count(name, ref tags, limits) is { } deep) return new TemplateSyntaxError(line, column, deep);
            }
            for (var j = i; j < end; j++)
                if (source[j] == '\n') { line++; lineStart = j + 1; }
            i = close < 0 ? source.Length : close + 1;
        }
        return null;
    }

    private static string? Count(string name, ref int tags, DefinitionLimits limits)
    {
        if (BlockTags.Contains(name) && ++tags > limits.MaxTemplateNesting)
            return $"tags nested at most {limits.MaxTemplateNesting} deep (limit MaxTemplateNesting)";
        if (name.StartsWith("end", StringComparison.Ordinal) && tags > 0) tags--;
        return null;
    }

    private static string? Expression(ReadOnlySpan<char> inside, DefinitionLimits limits)
    {
        int depth = 0, filters = 0;
        foreach (var c in inside)
        {
            if (c is '(' or '[' && ++depth > limits.MaxTemplateNesting)
                return $"parentheses and brackets nested at most {limits.MaxTemplateNesting} deep (limit MaxTemplateNesting)";
            if (c is ')' or ']' && depth > 0) depth--;
            if (c == '|' && ++filters > limits.MaxTemplateFilters)
                return $"at most {limits.MaxTemplateFilters} filters in one tag (limit MaxTemplateFilters)";
        }
        return null;
    }

    private static string FirstWord(ReadOnlySpan<char> text, out ReadOnlySpan<char> rest)
    {
        text = text.TrimStart("- \t\r\n");
        var length = 0;
        while (length < text.Length && (char.IsLetterOrDigit(text[length]) || text[length] == '_')) length++;
        rest = text[length..];
        return text[..length].ToString();
    }
}
