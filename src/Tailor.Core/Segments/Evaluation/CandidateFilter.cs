using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>
/// A condition every profile that matches a rule meets, simple enough for storage to answer with an index scan:
/// the profiles a full recompute must evaluate. It may let through profiles that do not match (the evaluator decides),
/// never the other way round. <see cref="Of"/> returns null when it cannot narrow the population (e.g. <c>not …</c>).
/// </summary>
public abstract record CandidateFilter
{
    /// <summary>Profiles with an event of this counted name at or after <see cref="From"/> (null: ever).</summary>
    public sealed record Performed(string Event, DateTimeOffset? From) : CandidateFilter;

    /// <summary>Profiles whose computed number <see cref="Name"/> is at least <see cref="Value"/>.</summary>
    public sealed record ComputedAtLeast(string Name, decimal Value) : CandidateFilter;

    public sealed record Both(CandidateFilter Left, CandidateFilter Right) : CandidateFilter;

    public sealed record Either(CandidateFilter Left, CandidateFilter Right) : CandidateFilter;

    /// <summary>What the profiles matching <paramref name="rule"/> at <paramref name="at"/> must have in common; null: nothing known.</summary>
    public static CandidateFilter? Of(Rule rule, DateTimeOffset at) => rule switch
    {
        // One narrowing child is enough for "all of"; taking the first keeps the query simple.
        AllOf all => all.Rules.Select(r => Of(r, at)).FirstOrDefault(f => f is not null),
        AnyOf any => OfAny(any, at),
        // Every value tried binds the inner rule to fewer events, so what the inner rule needs is still needed.
        ForSome forSome => Of(forSome.Rule, at),
        Rules.Performed p => OfPerformed(p, at),
        ComputedIs c => OfComputed(c),
        _ => null,
    };

    /// <summary>True when every profile matching <paramref name="rule"/> has some event (or computed value) it names.</summary>
    public static bool Narrows(Rule rule) => Of(rule, DateTimeOffset.MaxValue) is not null; // the moment only shifts windows

    private static CandidateFilter? OfAny(AnyOf any, DateTimeOffset at)
    {
        CandidateFilter? result = null;
        foreach (var rule in any.Rules)
        {
            if (Of(rule, at) is not { } filter) return null; // a branch anyone may satisfy: no narrowing
            result = result is null ? filter : new Either(result, filter);
        }
        return result;
    }

    private static CandidateFilter? OfPerformed(Rules.Performed p, DateTimeOffset at)
    {
        // Only a measure that no events fail (count >= 1, sum > 0, any min or max) needs an event to exist.
        decimal? empty = p.Measure.Aggregate is Aggregate.Min or Aggregate.Max ? null : 0;
        if (empty is { } zero && RuleEvaluator.CompareNumber(zero, p.Measure.Operator, p.Measure.Value)) return null;
        // "since X" counts from the latest X however old; a window counts events after its start (and future ones).
        var from = p.Window.Since is null && p.Window.Last is { } last ? at - last : (DateTimeOffset?)null;
        return new Performed(p.Event, from);
    }

    private static CandidateFilter? OfComputed(ComputedIs c)
    {
        if (c.Name.StartsWith("eventCounts.", StringComparison.Ordinal)) return null; // not a column storage can read
        if (c.Comparison.Operator is not (Operator.Greater or Operator.GreaterOrEqual) || c.Comparison.Value.Kind != LiteralKind.Number) return null;
        // A computed trait never set reads as 0 and may be absent in storage: only narrow when 0 cannot match.
        var value = c.Comparison.Value.Number;
        return RuleEvaluator.CompareNumber(0, c.Comparison.Operator, value) ? null : new ComputedAtLeast(c.Name, value);
    }
}
