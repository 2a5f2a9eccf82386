using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tailor.Core.Segments.Rules;

namespace Tailor.Server.Dashboard;

/// <summary>
/// A parsed rule as the visual builder's rows (<c>Assets/dashboard.js</c>), when the builder can express it: one
/// condition, or all of / any of a flat list of trait comparisons, performed (a count of at least N in the last D whole
/// days), did not perform, segment membership, tags and consent. Anything else (computed traits, property filters,
/// sums, session or <c>since</c> windows, nested groups, <c>for some</c>) is named in <see cref="Unsupported"/>: the
/// page then says so and the rule stays editable as text. Parsing stays with <see cref="Core.Segments.Text.RuleParser"/>;
/// this only maps its tree, so the builder's text parses back to the same rule.
/// </summary>
public sealed partial record RuleBuilderState(string Join, IReadOnlyList<RuleBuilderState.Condition> Conditions, string? Unsupported)
{
    /// <param name="Kind">The builder's kind of row: trait, performed, notPerformed, segment, tag or consent.</param>
    /// <param name="Fields">The row's fields by the builder's names (name, op, value, event, times, days).</param>
    public sealed record Condition(string Kind, IReadOnlyDictionary<string, string> Fields);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The rows as the script reads them from <c>data-conditions</c>; null when the builder cannot show the rule.</summary>
    public string? ToJson() => Unsupported is null ? JsonSerializer.Serialize(new { join = Join, conditions = Conditions }, Json) : null;

    public static RuleBuilderState From(Rule rule)
    {
        var (join, parts) = rule switch
        {
            AllOf all => ("and", (IReadOnlyList<Rule>)all.Rules),
            AnyOf any => ("or", any.Rules),
            _ => ("and", [rule]),
        };
        var conditions = new List<Condition>(parts.Count);
        foreach (var part in parts)
        {
            if (Row(part, out var condition) is { } reason) return new RuleBuilderState(join, [], reason);
            conditions.Add(condition);
        }
        return new RuleBuilderState(join, conditions, null);
    }

    /// <summary>The builder row for one condition, or why there is none.</summary>
    private static string? Row(Rule rule, out Condition condition)
    {
        condition = null!;
        switch (rule)
        {
            case TraitIs t:
                if (Symbol(t.Comparison.Operator) is not { } op) return $"the comparison \"{t.Comparison.Operator}\" on trait {t.Path}";
                string value = "";
                if (t.Comparison.Operator != Operator.Exists)
                {
                    var literal = t.Comparison.Value;
                    // The builder writes a number or true/false bare: a string that looks like one would change meaning.
                    if (literal.Kind == LiteralKind.String && LooksBare().IsMatch(literal.Text!)) return $"the text value \"{literal.Text}\" (the builder would write it as a number or boolean)";
                    value = literal.Kind switch
                    {
                        LiteralKind.String => literal.Text!,
                        LiteralKind.Number => literal.Number.ToString(CultureInfo.InvariantCulture),
                        _ => literal.Boolean ? "true" : "false",
                    };
                }
                condition = new Condition("trait", new Dictionary<string, string> { ["name"] = t.Path, ["op"] = op, ["value"] = value });
                return null;
            case Performed p:
                if (PerformedFields(p, out var times, out var days) is { } why) return why;
                condition = new Condition("performed", new Dictionary<string, string> { ["event"] = p.Event, ["times"] = times, ["days"] = days });
                return null;
            case Tailor.Core.Segments.Rules.Not { Rule: Performed p }:
                if (PerformedFields(p, out var once, out var within) is { } whyNot) return whyNot;
                if (once.Length > 0) return "\"not performed\" with a count";
                condition = new Condition("notPerformed", new Dictionary<string, string> { ["event"] = p.Event, ["days"] = within });
                return null;
            case InSegment s:
                condition = new Condition("segment", new Dictionary<string, string> { ["name"] = s.Segment });
                return null;
            case HasTag tag:
                condition = new Condition("tag", new Dictionary<string, string> { ["name"] = tag.Tag });
                return null;
            case HasConsent consent:
                condition = new Condition("consent", new Dictionary<string, string> { ["name"] = consent.Purpose });
                return null;
            case AllOf or AnyOf:
                return "a group inside a group (the builder combines one flat list)";
            case Tailor.Core.Segments.Rules.Not:
                return "\"not\" before anything but performed";
            case ComputedIs or ComputedInTop:
                return "computed traits";
            case ForSome:
                return "\"for some\"";
            default:
                return $"a {rule.GetType().Name} condition";
        }
    }

    private static string? PerformedFields(Performed p, out string times, out string days)
    {
        times = days = "";
        if (p.Where.Count > 0) return "event property filters (\"with\")";
        var m = p.Measure;
        if (m.Aggregate != Aggregate.Count || m.Property is not null || m.Operator != Operator.GreaterOrEqual || m.Value < 1 || m.Value != decimal.Truncate(m.Value))
            return "a measure other than \"at least N times\"";
        if (p.Window.Since is not null || p.Window.InSession) return "a \"since\" or session window";
        if (p.Window.Last is { } last)
        {
            if (last.Ticks % TimeSpan.TicksPerDay != 0) return "a window not in whole days";
            days = ((long)last.TotalDays).ToString(CultureInfo.InvariantCulture);
        }
        if (m.Value != 1) times = m.Value.ToString("0", CultureInfo.InvariantCulture);
        return null;
    }

    private static string? Symbol(Operator op) => op switch
    {
        Operator.Equal => "=",
        Operator.NotEqual => "!=",
        Operator.Greater => ">",
        Operator.GreaterOrEqual => ">=",
        Operator.Less => "<",
        Operator.LessOrEqual => "<=",
        Operator.Contains => "contains",
        Operator.Exists => "exists",
        _ => null,
    };

    [GeneratedRegex(@"^(-?\d+(\.\d+)?|true|false)$")]
    private static partial Regex LooksBare();
}
