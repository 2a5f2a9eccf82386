using System.Globalization;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>
/// Evaluates a rule against one profile's facts at a given moment. Pure: the same facts and moment give the same
/// answer, which is what lets the incremental engine and a full recompute agree exactly.
/// Time windows are half-open: "in last 30 days" at <c>now</c> covers event times in (now − 30 days, now].
/// </summary>
public static class RuleEvaluator
{
    public static Evaluation Evaluate(Rule rule, ProfileFacts facts, DateTimeOffset now)
    {
        var context = new Context(facts, now, [], null);
        var matched = Eval(rule, ref context);
        return new Evaluation(matched, context.NextChange);
    }

    public static Explanation Explain(Rule rule, ProfileFacts facts, DateTimeOffset now)
    {
        var context = new Context(facts, now, [], []);
        Eval(rule, ref context);
        return context.Explanations![0];
    }

    /// <summary>A value fixed by an enclosing <c>for some</c>; nested ones add to the list (innermost last).</summary>
    private readonly record struct Binding(string Path, JsonElement Value, string Key);

    private struct Context(ProfileFacts facts, DateTimeOffset now, Binding[] bindings, List<Explanation>? explanations)
    {
        public readonly ProfileFacts Facts = facts;
        public readonly DateTimeOffset Now = now;
        public Binding[] Bindings = bindings;
        public List<Explanation>? Explanations = explanations;
        public DateTimeOffset? NextChange;

        public void Change(DateTimeOffset at)
        {
            if (NextChange is null || at < NextChange) NextChange = at;
        }
    }

    private static bool Eval(Rule rule, ref Context c)
    {
        switch (rule)
        {
            case AllOf all: return Composite(all.Rules, all: true, rule, ref c);
            case AnyOf any: return Composite(any.Rules, all: false, rule, ref c);
            case Not not:
            {
                var outer = c.Explanations;
                if (outer is not null) c.Explanations = [];
                var matched = !Eval(not.Rule, ref c);
                if (outer is not null)
                {
                    outer.Add(new Explanation(matched, RulePrinter.Print(rule), matched ? "the inner condition is false" : "the inner condition is true", c.Explanations!));
                    c.Explanations = outer;
                }
                return matched;
            }
            case TraitIs trait:
            {
                var value = TraitValue(c.Facts.Profile, trait.Path);
                var matched = Compare(value, trait.Comparison);
                Explain(ref c, matched, rule, value.ValueKind == JsonValueKind.Undefined ? "the trait is not set" : $"the trait is {value.GetRawText()}");
                return matched;
            }
            case ComputedIs computed:
            {
                var value = ComputedValues.Get(c.Facts.Profile.Computed, computed.Name);
                var matched = value is { } v && CompareNumber(v, computed.Comparison);
                Explain(ref c, matched, rule, value is null ? "unknown computed trait" : $"{computed.Name} is {value.Value.ToString(CultureInfo.InvariantCulture)}");
                return matched;
            }
            case ComputedInTop top:
            {
                var value = ComputedValues.Get(c.Facts.Profile.Computed, top.Name);
                var threshold = c.Facts.Stats.TopThreshold(top.Name, top.Percent);
                var matched = value is > 0 && threshold is { } t && value >= t;
                Explain(ref c, matched, rule, threshold is null ? "no statistics yet"
                    : string.Create(CultureInfo.InvariantCulture, $"{top.Name} is {value}; the top {top.Percent}% starts at {threshold}"));
                return matched;
            }
            case Performed performed: return EvalPerformed(performed, ref c);
            case ForSome forSome: return EvalForSome(forSome, ref c);
            case InSegment segment:
            {
                var matched = c.Facts.Segments.Contains(segment.Segment);
                Explain(ref c, matched, rule, matched ? "is a member" : "is not a member");
                return matched;
            }
            case HasConsent consent:
            {
                var matched = c.Facts.Profile.HasConsent(consent.Purpose);
                Explain(ref c, matched, rule, c.Facts.Profile.Consent.TryGetValue(consent.Purpose, out var r)
                    ? $"answered {(r.Granted ? "yes" : "no")} at {r.At:u}" : "no answer (counts as no)");
                return matched;
            }
            case HasTag tag:
            {
                var matched = Tags.HasTag(c.Facts.Profile.Tags, tag.Tag);
                Explain(ref c, matched, rule, c.Facts.Profile.Tags.Count == 0 ? "no tags" : $"tags: {string.Join(", ", c.Facts.Profile.Tags)}");
                return matched;
            }
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown rule node");
        }
    }

    private static bool Composite(ValueList<Rule> rules, bool all, Rule rule, ref Context c)
    {
        var outer = c.Explanations;
        if (outer is not null) c.Explanations = [];
        var result = all;
        foreach (var child in rules)
        {
            // Every child is evaluated (no short circuit) so that its next change time is known too.
            if (Eval(child, ref c) != all) result = !all;
        }
        if (outer is not null)
        {
            outer.Add(new Explanation(result, all ? "all of" : "any of", result ? "matched" : "not matched", c.Explanations!));
            c.Explanations = outer;
        }
        return result;
    }

    private static bool EvalPerformed(Performed p, ref Context c)
    {
        var events = c.Facts.Events;
        // "since X": after the latest X; a profile that never did X has no such bound, so every event counts.
        DateTimeOffset? since = null;
        if (p.Window.Since is { } sinceName)
        {
            for (var i = events.Count - 1; i >= 0; i--)
                if (events[i].Name == sinceName) { since = events[i].Timestamp; break; }
        }
        var from = p.Window.Last is { } last ? c.Now - last : (DateTimeOffset?)null;

        // Indexes of the events that count, in event-time order.
        var selected = new List<int>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Name != p.Event || !Filters(e, p.Where, c.Bindings)) continue;
            if (since is { } after && e.Timestamp <= after) continue;
            if (from is { } start)
            {
                if (e.Timestamp > c.Now) { c.Change(e.Timestamp); continue; } // not happened yet: counts from its time on
                if (e.Timestamp <= start) continue;
                c.Change(e.Timestamp + p.Window.Last!.Value); // leaves the window then
            }
            selected.Add(i);
        }

        bool matched;
        string detail;
        if (p.Window.InSession)
        {
            matched = false;
            var best = 0m;
            foreach (var session in selected.GroupBy(c.Facts.SessionOf))
            {
                var value = Measure(p.Measure, session.ToList(), events);
                best = Math.Max(best, value ?? 0);
                if (value is { } v && CompareNumber(v, p.Measure.Operator, p.Measure.Value)) matched = true;
            }
            detail = $"best session: {best.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            var value = Measure(p.Measure, selected, events);
            matched = value is { } v && CompareNumber(v, p.Measure.Operator, p.Measure.Value);
            detail = $"{Describe(p.Measure)} is {value?.ToString(CultureInfo.InvariantCulture) ?? "undefined"} over {selected.Count} matching event{(selected.Count == 1 ? "" : "s")}";
        }
        foreach (var binding in c.Bindings) detail += $" (with {binding.Path} = {binding.Value.GetRawText()})";
        Explain(ref c, matched, p, detail);
        return matched;
    }

    private static decimal? Measure(Measure m, List<int> selected, IReadOnlyList<EventFact> events)
    {
        switch (m.Aggregate)
        {
            case Aggregate.Count:
                return selected.Count;
            case Aggregate.Distinct:
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var i in selected)
                    if (events[i].Property(m.Property!) is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } value) seen.Add(value.GetRawText());
                return seen.Count;
            }
            default:
            {
                decimal? result = m.Aggregate == Aggregate.Sum ? 0 : null;
                foreach (var i in selected)
                {
                    if (!TryNumber(events[i].Property(m.Property!), out var n)) continue;
                    result = m.Aggregate switch
                    {
                        Aggregate.Sum => result + n,
                        Aggregate.Min => result is null || n < result ? n : result,
                        _ => result is null || n > result ? n : result,
                    };
                }
                return result;
            }
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ForSome, HashSet<string>> PerformedNamesCache = [];

    /// <summary>The event names counted by the <c>performed</c> conditions inside a <c>for some</c> (computed once per rule).</summary>
    private static HashSet<string> PerformedNames(ForSome f) =>
        PerformedNamesCache.GetValue(f, static f => [.. RuleDependencies.Of(f.Rule).EventUses.Keys]);

    private static bool EvalForSome(ForSome f, ref Context c)
    {
        // Candidate values: every value the property takes on the profile's events, keyed by value (not by its JSON
        // spelling, so "é" and "\u00e9" are one category).
        // They come from the events the inner rule counts, so the answer does not depend on which other events
        // happen to be loaded.
        var candidates = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var named = PerformedNames(f);
        foreach (var e in c.Facts.Events)
            if (named.Contains(e.Name) && BindingKey(e.Property(f.Property)) is { } key) candidates.TryAdd(key, e.Property(f.Property));

        var outer = c.Explanations;
        var saved = c.Bindings;
        var matched = false;
        List<Explanation>? matching = outer is null ? null : [];
        List<Explanation>? failing = outer is null ? null : [];
        foreach (var (key, value) in candidates)
        {
            c.Bindings = [.. saved, new Binding(f.Property, value, key)];
            if (outer is not null) c.Explanations = [];
            var thisOne = Eval(f.Rule, ref c); // every value is tried, so each one's next change is known
            if (outer is not null) (thisOne ? matching : failing)!.AddRange(c.Explanations!);
            matched |= thisOne;
        }
        c.Bindings = saved;
        if (outer is not null)
        {
            var values = string.Join(", ", candidates.Values.Take(10).Select(v => v.GetRawText()));
            outer.Add(new Explanation(matched, $"for some {f.Property}", candidates.Count == 0
                ? $"no event has {f.Property}"
                : $"{candidates.Count} value{(candidates.Count == 1 ? "" : "s")} tried: {values}", matched ? matching! : failing!));
            c.Explanations = outer;
        }
        return matched;
    }

    private static bool Filters(in EventFact e, ValueList<PropertyFilter> filters, Binding[] bindings)
    {
        foreach (var filter in filters)
            if (!Compare(e.Property(filter.Path), filter.Comparison)) return false;
        foreach (var b in bindings)
            if (BindingKey(e.Property(b.Path)) != b.Key) return false;
        return true;
    }

    /// <summary>A scalar property value as a key that two equal values share however their JSON spells them; null for others.</summary>
    private static string? BindingKey(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "s:" + JsonStrings.Read(value),
        JsonValueKind.Number => value.TryGetDecimal(out var n) ? "n:" + (n / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture) : "r:" + value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static JsonElement TraitValue(Profile profile, string path)
    {
        if (profile.Traits.TryGetValue(path, out var whole)) return whole.Value;
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        while (dot > 0)
        {
            if (profile.Traits.TryGetValue(path[..dot], out var head))
            {
                var found = JsonPath.Resolve(head.Value, path[(dot + 1)..]);
                if (found.ValueKind != JsonValueKind.Undefined) return found;
            }
            dot = path.IndexOf('.', dot + 1);
        }
        return default;
    }

    /// <summary>
    /// A JSON value against a comparison. A missing value fails every test except <c>!=</c>. Strings compare exactly
    /// for =, in and ordering (ISO dates order correctly), case-insensitively for contains and starts with.
    /// </summary>
    public static bool Compare(JsonElement value, Comparison comparison)
    {
        var present = value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        switch (comparison.Operator)
        {
            case Operator.Exists: return present;
            case Operator.Equal: return present && comparison.Value.Matches(value);
            case Operator.NotEqual: return !present || !comparison.Value.Matches(value);
            case Operator.In:
                foreach (var literal in comparison.Values)
                    if (present && literal.Matches(value)) return true;
                return false;
            case Operator.Contains:
                if (value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in value.EnumerateArray())
                        if (comparison.Value.Matches(item)) return true;
                    return false;
                }
                return value.ValueKind == JsonValueKind.String && comparison.Value.Kind == LiteralKind.String
                    && JsonStrings.Read(value).Contains(comparison.Value.Text!, StringComparison.OrdinalIgnoreCase);
            case Operator.StartsWith:
                return value.ValueKind == JsonValueKind.String && comparison.Value.Kind == LiteralKind.String
                    && JsonStrings.Read(value).StartsWith(comparison.Value.Text!, StringComparison.OrdinalIgnoreCase);
            case Operator.Between:
                return Order(value, comparison.Values[0]) is >= 0 && Order(value, comparison.Values[1]) is <= 0;
            default:
                var order = Order(value, comparison.Value);
                return order is { } o && comparison.Operator switch
                {
                    Operator.Less => o < 0,
                    Operator.LessOrEqual => o <= 0,
                    Operator.Greater => o > 0,
                    _ => o >= 0,
                };
        }
    }

    /// <summary>The sign of value − literal, or null when they cannot be ordered (different kinds, missing value).</summary>
    private static int? Order(JsonElement value, Literal literal)
    {
        if (literal.Kind == LiteralKind.Number && TryNumber(value, out var number)) return number.CompareTo(literal.Number);
        if (literal.Kind == LiteralKind.String && value.ValueKind == JsonValueKind.String) return Math.Sign(string.CompareOrdinal(JsonStrings.Read(value), literal.Text));
        return null;
    }

    private static bool CompareNumber(decimal value, Comparison comparison)
    {
        bool Is(Literal literal, Operator op) => literal.Kind == LiteralKind.Number && CompareNumber(value, op, literal.Number);
        return comparison.Operator switch
        {
            Operator.Exists => true,
            Operator.NotEqual => !Is(comparison.Value, Operator.Equal),
            Operator.In => comparison.Values.Any(l => Is(l, Operator.Equal)),
            Operator.Between => Is(comparison.Values[0], Operator.GreaterOrEqual) && Is(comparison.Values[1], Operator.LessOrEqual),
            Operator.Contains or Operator.StartsWith => false,
            var op => Is(comparison.Value, op),
        };
    }

    internal static bool CompareNumber(decimal value, Operator op, decimal target) => op switch
    {
        Operator.Equal => value == target,
        Operator.NotEqual => value != target,
        Operator.Less => value < target,
        Operator.LessOrEqual => value <= target,
        Operator.Greater => value > target,
        _ => value >= target,
    };

    private static bool TryNumber(JsonElement value, out decimal number)
    {
        number = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out number);
    }

    private static string Describe(Measure m) => m.Aggregate == Aggregate.Count ? "count" : $"{m.Aggregate.ToString().ToLowerInvariant()} of {m.Property}";

    private static void Explain(ref Context c, bool matched, Rule rule, string detail) =>
        c.Explanations?.Add(new Explanation(matched, RulePrinter.Print(rule), detail, []));
}
