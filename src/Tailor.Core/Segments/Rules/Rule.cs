namespace Tailor.Core.Segments.Rules;

/// <summary>
/// A segment rule: a tree of conditions over a profile and its events. Immutable and compared by value.
/// The text form (<see cref="Text.RuleParser"/>, <see cref="Text.RulePrinter"/>) and the JSON form
/// (<see cref="RuleJson"/>) both convert to and from this tree without loss. Grammar: docs/rules.md.
/// </summary>
public abstract record Rule;

/// <summary>Every inner rule holds.</summary>
public sealed record AllOf(ValueList<Rule> Rules) : Rule;

/// <summary>At least one inner rule holds.</summary>
public sealed record AnyOf(ValueList<Rule> Rules) : Rule;

/// <summary>The inner rule does not hold.</summary>
public sealed record Not(Rule Rule) : Rule;

/// <summary><c>trait address.city = "New York"</c>: a trait (or a path inside a JSON trait).</summary>
public sealed record TraitIs(string Path, Comparison Comparison) : Rule;

/// <summary><c>computed engagementScore &gt;= 20</c>: a computed trait (see <see cref="Evaluation.ComputedValues"/>).</summary>
public sealed record ComputedIs(string Name, Comparison Comparison) : Rule;

/// <summary><c>computed totalRevenue in top 10 percent</c>: among the top share of all profiles.</summary>
public sealed record ComputedInTop(string Name, decimal Percent) : Rule;

/// <summary>
/// <c>performed "Order Completed" with category = "x" at least 2 times in last 30 days</c>: the profile's events of
/// one name, filtered by properties, measured (count, sum, ...) over a window.
/// </summary>
public sealed record Performed(string Event, ValueList<PropertyFilter> Where, Measure Measure, Window Window) : Rule;

/// <summary>
/// <c>for some category: ...</c>: some value of an event property makes the inner rule true when every
/// <see cref="Performed"/> inside is restricted to events with that value. Relates two events ("viewed 3 times and
/// bought in the same category").
/// </summary>
public sealed record ForSome(string Property, Rule Rule) : Rule;

/// <summary><c>in segment "Recent Buyers"</c>: membership of another segment.</summary>
public sealed record InSegment(string Segment) : Rule;

/// <summary><c>has consent email</c>: the profile said yes to the purpose.</summary>
public sealed record HasConsent(string Purpose) : Rule;

/// <summary><c>has tag "loyal"</c>: the tag or any tag beneath it (<c>loyal/high-value</c>).</summary>
public sealed record HasTag(string Tag) : Rule;

/// <summary><c>category = "electronics"</c> on an event's properties (or <c>context.…</c>).</summary>
public sealed record PropertyFilter(string Path, Comparison Comparison);

/// <summary>What is measured over the matching events and what it is compared to; the default is a count of at least 1.</summary>
/// <param name="Property">The property summed, minimised, maximised or counted distinct; null for a count.</param>
public sealed record Measure(Aggregate Aggregate, string? Property, Operator Operator, decimal Value)
{
    public static Measure AtLeastOnce { get; } = new(Aggregate.Count, null, Operator.GreaterOrEqual, 1);
}

public enum Aggregate
{
    Count,
    Sum,
    Min,
    Max,
    Distinct,
}

/// <summary>Which of the events count: all, those in the last <see cref="Last"/>, those since the latest
/// <see cref="Since"/> event, and optionally measured per session (true if any one session satisfies the measure).</summary>
public sealed record Window(TimeSpan? Last, string? Since, bool InSession)
{
    public static Window Ever { get; } = new(null, null, false);

    /// <summary>The longest <see cref="Last"/> either form accepts (about 100 years); windows are whole minutes.</summary>
    public static TimeSpan Longest { get; } = TimeSpan.FromDays(36500);
}
