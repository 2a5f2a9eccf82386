using Tailor.Core.Segments.Text;

namespace Tailor.Core.Segments.Rules;

/// <summary>
/// The rules that only a segment can evaluate, refused where else a rule is saved (a trigger's <c>if</c>, a block's
/// condition), so that a rule accepted anywhere behaves as it does in a segment. <c>computed X in top N percent</c>
/// compares one profile against the whole population, whose thresholds only the segment engine keeps; elsewhere it
/// could never be true. The way around is what the error says: a segment with the rule, and <c>in segment "…"</c>.
/// </summary>
public static class SegmentOnlyRules
{
    /// <summary>Null when every part of <paramref name="rule"/> can be evaluated outside a segment; else why not, naming the part.</summary>
    public static string? Refusal(Rule rule) => Find(rule, 0) is { } top
        ? $"'{RulePrinter.Print(top)}' is evaluated only in segments (it compares the profile with the whole population); "
          + $"save it as a segment and use 'in segment \"NAME\"' here"
        : null;

    private static ComputedInTop? Find(Rule rule, int depth)
    {
        // Parsed rules are bounded by DefinitionLimits.MaxRuleDepth; the guard only keeps a hand-built cycle-free tree finite.
        if (depth > 1_000) return null;
        switch (rule)
        {
            case ComputedInTop top: return top;
            case AllOf all:
                foreach (var r in all.Rules)
                    if (Find(r, depth + 1) is { } found) return found;
                return null;
            case AnyOf any:
                foreach (var r in any.Rules)
                    if (Find(r, depth + 1) is { } found) return found;
                return null;
            case Not not: return Find(not.Rule, depth + 1);
            case ForSome forSome: return Find(forSome.Rule, depth + 1);
            default: return null;
        }
    }
}
