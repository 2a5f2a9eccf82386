using System.Text.RegularExpressions;

namespace Tailor.Core.Content;

/// <summary>
/// A variable a template reads, found by scanning its source once at parse time: used by strict previews (which
/// report every reference that has no value, with its line) and by blocks (a variant whose data is missing falls back).
/// </summary>
/// <param name="Path">Steps: <c>profile.traits.first_name</c> is [profile, traits, first_name]; <c>a[0]</c> is [a, 0].</param>
/// <param name="IsLoopSource">The collection of a <c>for</c>/<c>tablerow</c>: an empty one counts as missing data too.</param>
public sealed record VariableReference(string Text, IReadOnlyList<string> Path, int Line, bool HasDefault, bool IsLoopSource)
{
    private static readonly Regex Markup = new(@"\{\{-?(?<out>.*?)-?\}\}|\{%-?\s*(?<tag>[a-z_]+)(?<args>.*?)-?%\}", RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex Strings = new(@"'[^']*'|""[^""]*""", RegexOptions.CultureInvariant);
    private static readonly Regex Paths = new(@"(?<![\w.\]\-])[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\s*-?\d+\s*\])*", RegexOptions.CultureInvariant);
    private static readonly Regex Binders = new(@"^\s*(?<name>[A-Za-z_][\w-]*)", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "and", "or", "contains", "empty", "blank", "nil", "null", "true", "false", "in", "reversed", "limit", "offset",
        "cols", "with", "as", "for", "else", "forloop", "tablerowloop",
    };

    /// <summary>Tags whose arguments are not variables to look up.</summary>
    private static readonly HashSet<string> Opaque = new(StringComparer.Ordinal)
    {
        "block", "comment", "endcomment", "raw", "endraw", "increment", "decrement", "include", "render", "liquid", "cycle", "break", "continue",
    };

    public static IReadOnlyList<VariableReference> Scan(string source)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal) { "forloop", "tablerowloop" };
        var list = new List<VariableReference>();
        var lineAt = 0;
        var line = 1;
        foreach (Match m in Markup.Matches(source))
        {
            for (; lineAt < m.Index; lineAt++) if (source[lineAt] == '\n') line++;
            var expression = m.Groups["out"].Success ? m.Groups["out"].Value : m.Groups["args"].Value;
            var tag = m.Groups["tag"].Success ? m.Groups["tag"].Value : null;
            if (tag is not null && Opaque.Contains(tag)) continue;
            var loop = false;
            if (tag is "assign" or "capture" or "for" or "tablerow")
            {
                // The bound name is not a lookup; the rest (the value or the collection) is.
                var binder = Binders.Match(expression);
                if (binder.Success) bound.Add(binder.Groups["name"].Value);
                expression = tag switch
                {
                    "assign" => expression[(expression.IndexOf('=', StringComparison.Ordinal) + 1)..],
                    "capture" => "",
                    _ => expression.Contains(" in ", StringComparison.Ordinal) ? expression[(expression.IndexOf(" in ", StringComparison.Ordinal) + 4)..] : "",
                };
                loop = tag is "for" or "tablerow";
            }
            Collect(expression, line, bound, loop, list);
        }
        return list;
    }

    private static void Collect(string expression, int line, HashSet<string> bound, bool loop, List<VariableReference> list)
    {
        var text = Strings.Replace(expression, "\"\"");
        var segments = text.Split('|');
        var hasDefault = segments.Skip(1).Any(f => f.TrimStart().StartsWith("default", StringComparison.Ordinal));
        for (var i = 0; i < segments.Length; i++)
        {
            var part = segments[i];
            if (i > 0)
            {
                // A filter: its name is not a variable, its arguments are (named arguments keep only their value).
                var colon = part.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) continue;
                part = Regex.Replace(part[(colon + 1)..], @"[A-Za-z_][\w-]*\s*:", " ", RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            foreach (Match p in Paths.Matches(part))
            {
                var steps = Steps(p.Value);
                if (Words.Contains(steps[0]) || bound.Contains(steps[0])) continue;
                if (p.Index > 0 && char.IsDigit(part[p.Index - 1])) continue; // the tail of a number like 1.5e
                list.Add(new VariableReference(p.Value, steps, line, hasDefault, loop && i == 0));
            }
        }
    }

    private static string[] Steps(string path) =>
        path.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)
            .Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
