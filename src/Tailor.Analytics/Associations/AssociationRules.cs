namespace Tailor.Analytics.Associations;

/// <summary>
/// Rules from baskets: the frequent itemsets of length min…max length (<see cref="FpGrowth"/>), then for each, every
/// split into a non-empty antecedent X and consequent Y, kept when confidence ≥ min confidence and lift ≥ min lift.
/// Every subset of a frequent itemset is frequent, so each support needed is already counted. Ordered by lift, then
/// confidence, then support (descending), then the items (ordinal) for a reproducible list.
/// </summary>
public static class AssociationRules
{
    public static List<AssociationRule> Mine(IReadOnlyList<IReadOnlyCollection<string>> baskets, RuleOptions options, CancellationToken ct = default)
    {
        if (options.Problem() is { } problem) throw new ArgumentException($"{problem.Field} {problem.Rule}", nameof(options));
        var itemsets = FpGrowth.Mine(baskets, options.MinSupport, options.MaxLength, ct);
        return From(itemsets, options);
    }

    public static List<AssociationRule> From(IReadOnlyList<FrequentItemset> itemsets, RuleOptions options)
    {
        var support = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in itemsets) support[Key(s.Items)] = s.Support;
        var rules = new List<AssociationRule>();
        foreach (var s in itemsets)
        {
            var n = s.Items.Count;
            if (n < options.MinLength || n > options.MaxLength) continue;
            // Each bit mask 1 … 2ⁿ−2 picks the antecedent; the rest is the consequent.
            for (var mask = 1; mask < (1 << n) - 1; mask++)
            {
                var x = new List<string>();
                var y = new List<string>();
                for (var b = 0; b < n; b++) ((mask >> b & 1) == 1 ? x : y).Add(s.Items[b]);
                var confidence = s.Support / support[Key(x)];
                if (confidence < options.MinConfidence) continue;
                var lift = confidence / support[Key(y)];
                if (lift < options.MinLift) continue;
                rules.Add(new AssociationRule(x, y, s.Support, confidence, lift));
            }
        }
        rules.Sort(static (a, b) =>
        {
            var c = b.Lift.CompareTo(a.Lift);
            if (c == 0) c = b.Confidence.CompareTo(a.Confidence);
            if (c == 0) c = b.Support.CompareTo(a.Support);
            if (c == 0) c = string.CompareOrdinal(Key(a.Antecedent), Key(b.Antecedent));
            if (c == 0) c = string.CompareOrdinal(Key(a.Consequent), Key(b.Consequent));
            return c;
        });
        return rules;
    }

    // Items are kept in ordinal order, so the joined names identify the set.
    private static string Key(IReadOnlyList<string> items) => string.Join('\u001f', items);
}
