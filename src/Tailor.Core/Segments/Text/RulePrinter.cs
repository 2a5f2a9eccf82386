using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Segments.Text;

/// <summary>Writes a rule in its canonical text form; <see cref="RuleParser.Parse"/> reads it back to an equal rule.</summary>
public static partial class RulePrinter
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "trait", "computed", "performed", "for", "some", "in", "segment", "has", "consent", "tag",
        "with", "at", "least", "most", "more", "fewer", "than", "exactly", "times", "time", "sum", "min", "max", "distinct",
        "of", "last", "since", "within", "one", "a", "session", "exists", "contains", "starts", "between", "true", "false",
        "top", "percent",
    };

    public static string Print(Rule rule)
    {
        var builder = new StringBuilder();
        Write(builder, rule);
        return builder.ToString();
    }

    private static void Write(StringBuilder b, Rule rule)
    {
        switch (rule)
        {
            case AllOf all: Join(b, all.Rules, " and ", child => child is AllOf or AnyOf or ForSome); break;
            case AnyOf any: Join(b, any.Rules, " or ", child => child is AnyOf or ForSome); break;
            case Not not:
                b.Append("not ");
                WriteChild(b, not.Rule, not.Rule is AllOf or AnyOf or ForSome);
                break;
            case TraitIs trait: b.Append("trait ").Append(Path(trait.Path)); WriteComparison(b, trait.Comparison); break;
            case ComputedIs computed: b.Append("computed ").Append(Path(computed.Name)); WriteComparison(b, computed.Comparison); break;
            case ComputedInTop top:
                b.Append("computed ").Append(Path(top.Name)).Append(" in top ").Append(top.Percent.ToString(CultureInfo.InvariantCulture)).Append(" percent");
                break;
            case Performed performed: WritePerformed(b, performed); break;
            case ForSome forSome: b.Append("for some ").Append(Path(forSome.Property)).Append(": "); Write(b, forSome.Rule); break;
            case InSegment segment: b.Append("in segment ").Append(Quote(segment.Segment)); break;
            case HasConsent consent: b.Append("has consent ").Append(Path(consent.Purpose)); break;
            case HasTag tag: b.Append("has tag ").Append(Quote(tag.Tag)); break;
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown rule node");
        }
    }

    private static void Join(StringBuilder b, ValueList<Rule> rules, string separator, Func<Rule, bool> needsParentheses)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (i > 0) b.Append(separator);
            WriteChild(b, rules[i], needsParentheses(rules[i]));
        }
    }

    private static void WriteChild(StringBuilder b, Rule rule, bool parenthesize)
    {
        if (parenthesize) b.Append('(');
        Write(b, rule);
        if (parenthesize) b.Append(')');
    }

    private static void WritePerformed(StringBuilder b, Performed p)
    {
        b.Append("performed ").Append(Quote(p.Event));
        for (var i = 0; i < p.Where.Count; i++)
        {
            b.Append(i == 0 ? " with " : ", ").Append(Path(p.Where[i].Path));
            WriteComparison(b, p.Where[i].Comparison);
        }
        var m = p.Measure;
        if (m != Measure.AtLeastOnce)
        {
            var number = m.Value.ToString(CultureInfo.InvariantCulture);
            if (m.Aggregate == Aggregate.Count)
            {
                var words = m.Operator switch
                {
                    Operator.GreaterOrEqual => "at least",
                    Operator.LessOrEqual => "at most",
                    Operator.Greater => "more than",
                    Operator.Less => "fewer than",
                    Operator.Equal => "exactly",
                    _ => throw new ArgumentOutOfRangeException(nameof(p), m.Operator, "a count compares with >=, <=, >, < or ="),
                };
                b.Append(' ').Append(words).Append(' ').Append(number).Append(" times");
            }
            else
            {
                b.Append(' ').Append(m.Aggregate.ToString().ToLowerInvariant()).Append(" of ").Append(Path(m.Property!))
                    .Append(' ').Append(Symbol(m.Operator)).Append(' ').Append(number);
            }
        }
        if (p.Window.Last is { } last) b.Append(" in last ").Append(Duration(last));
        if (p.Window.Since is { } since) b.Append(" since ").Append(Quote(since));
        if (p.Window.InSession) b.Append(" within one session");
    }

    private static void WriteComparison(StringBuilder b, Comparison c)
    {
        switch (c.Operator)
        {
            case Operator.Exists: b.Append(" exists"); break;
            case Operator.Contains: b.Append(" contains ").Append(c.Value); break;
            case Operator.StartsWith: b.Append(" starts with ").Append(c.Value); break;
            case Operator.Between: b.Append(" between ").Append(c.Values[0]).Append(" and ").Append(c.Values[1]); break;
            case Operator.In: b.Append(" in [").AppendJoin(", ", c.Values).Append(']'); break;
            default: b.Append(' ').Append(Symbol(c.Operator)).Append(' ').Append(c.Value); break;
        }
    }

    internal static string Symbol(Operator op) => op switch
    {
        Operator.Equal => "=",
        Operator.NotEqual => "!=",
        Operator.Less => "<",
        Operator.LessOrEqual => "<=",
        Operator.Greater => ">",
        Operator.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a symbolic operator"),
    };

    /// <summary>The largest unit that expresses the duration exactly: <c>30 days</c>, <c>90 minutes</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a positive whole number of minutes, which neither form can express.</exception>
    internal static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero || span.Ticks % TimeSpan.TicksPerMinute != 0)
            throw new ArgumentOutOfRangeException(nameof(span), span, "a window is a positive whole number of minutes");
        if (span.Ticks % TimeSpan.FromDays(7).Ticks == 0) return Plural(span.Ticks / TimeSpan.FromDays(7).Ticks, "week");
        if (span.Ticks % TimeSpan.TicksPerDay == 0) return Plural(span.Ticks / TimeSpan.TicksPerDay, "day");
        if (span.Ticks % TimeSpan.TicksPerHour == 0) return Plural(span.Ticks / TimeSpan.TicksPerHour, "hour");
        return Plural(span.Ticks / TimeSpan.TicksPerMinute, "minute");
    }

    private static string Plural(decimal amount, string unit) =>
        $"{amount.ToString(CultureInfo.InvariantCulture)} {unit}{(amount == 1 ? "" : "s")}";

    /// <summary>A string in double quotes; only backslash, quote, newline and tab are escaped, as the lexer reads them.</summary>
    internal static string Quote(string text)
    {
        var b = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\t': b.Append("\\t"); break;
                default: b.Append(c); break;
            }
        }
        return b.Append('"').ToString();
    }

    private static string Path(string path) => BareWord().IsMatch(path) && !Keywords.Contains(path) ? path : Quote(path);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex BareWord();
}
