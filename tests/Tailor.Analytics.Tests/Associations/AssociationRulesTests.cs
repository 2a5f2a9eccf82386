using System.Text.Json;
using Tailor.Analytics.Associations;

namespace Tailor.Analytics.Tests.Associations;

public sealed class AssociationRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Han, Kamber, Pei, "Data Mining: Concepts and Techniques" (3rd ed.), Table 6.1, the FP-Growth example (Figure 6.7 and Table 6.2).</summary>
    private static readonly string[][] HanBaskets =
    [
        ["I1", "I2", "I5"], ["I2", "I4"], ["I2", "I3"], ["I1", "I2", "I4"], ["I1", "I3"],
        ["I2", "I3"], ["I1", "I3"], ["I1", "I2", "I3", "I5"], ["I1", "I2", "I3"],
    ];

    [Fact]
    public void Fp_growth_finds_the_frequent_itemsets_of_the_textbook_example()
    {
        // min support count 2 of 9.
        var found = FpGrowth.Mine(HanBaskets, 2 / 9.0, 10, Ct).ToDictionary(s => string.Join(",", s.Items), s => s.Count);
        var expected = new Dictionary<string, int>
        {
            ["I1"] = 6, ["I2"] = 7, ["I3"] = 6, ["I4"] = 2, ["I5"] = 2,
            ["I1,I2"] = 4, ["I1,I3"] = 4, ["I1,I5"] = 2, ["I2,I3"] = 4, ["I2,I4"] = 2, ["I2,I5"] = 2,
            ["I1,I2,I3"] = 2, ["I1,I2,I5"] = 2,
        };
        Assert.Equal(expected.OrderBy(p => p.Key), found.OrderBy(p => p.Key));
    }

    [Fact]
    public void The_rules_of_the_textbook_example_have_the_published_confidences()
    {
        // Han et al., section 6.2.2: the rules from {I1, I2, I5} and their confidences.
        var rules = AssociationRules.Mine(HanBaskets, new RuleOptions(MinSupport: 2 / 9.0, MinConfidence: 0, MinLift: 0, MinLength: 3, MaxLength: 3), Ct);
        string Of(AssociationRule r) => $"{string.Join(",", r.Antecedent)}=>{string.Join(",", r.Consequent)}";
        var fromI1I2I5 = rules.Where(r => r.Antecedent.Concat(r.Consequent).Order().SequenceEqual(["I1", "I2", "I5"])).ToDictionary(Of, r => r.Confidence);
        Assert.Equal(6, fromI1I2I5.Count);
        Assert.Equal(2 / 4.0, fromI1I2I5["I1,I2=>I5"], 1e-15);
        Assert.Equal(1.0, fromI1I2I5["I1,I5=>I2"], 1e-15);
        Assert.Equal(1.0, fromI1I2I5["I2,I5=>I1"], 1e-15);
        Assert.Equal(2 / 6.0, fromI1I2I5["I1=>I2,I5"], 1e-15);
        Assert.Equal(2 / 7.0, fromI1I2I5["I2=>I1,I5"], 1e-15);
        Assert.Equal(1.0, fromI1I2I5["I5=>I1,I2"], 1e-15);
        // lift(I5 ⇒ I1,I2) = 1 / supp(I1,I2) = 9/4.
        Assert.Equal(9 / 4.0, rules.Single(r => Of(r) == "I5=>I1,I2").Lift, 1e-12);
        Assert.All(rules, r => Assert.Equal(3, r.Antecedent.Count + r.Consequent.Count));
    }

    [Fact]
    public void Rules_on_online_retail_baskets_match_a_brute_force_enumeration()
    {
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Associations", "rules.json"))).RootElement;
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "Fixtures", "online-retail-slice.csv"));
        var baskets = BasketFile.Read(reader);
        Assert.Equal(reference.GetProperty("baskets").GetInt32(), baskets.Count);
        var options = new RuleOptions(
            reference.GetProperty("minSupport").GetDouble(), reference.GetProperty("minConfidence").GetDouble(),
            reference.GetProperty("minLift").GetDouble(), MinLength: 2, MaxLength: reference.GetProperty("maxLength").GetInt32());

        var itemsets = FpGrowth.Mine(baskets, options.MinSupport, options.MaxLength, Ct).ToDictionary(s => string.Join(",", s.Items), s => s.Support);
        var expectedItemsets = reference.GetProperty("itemsets").EnumerateArray()
            .ToDictionary(s => string.Join(",", s.GetProperty("items").EnumerateArray().Select(i => i.GetString())), s => s.GetProperty("support").GetDouble());
        Assert.Equal(expectedItemsets.Keys.Order(StringComparer.Ordinal), itemsets.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, support) in expectedItemsets) Assert.Equal(support, itemsets[key], 1e-12);

        static string Key(IEnumerable<string?> x, IEnumerable<string?> y) => $"{string.Join(",", x)}=>{string.Join(",", y)}";
        var rules = AssociationRules.Mine(baskets, options, Ct).ToDictionary(r => Key(r.Antecedent, r.Consequent));
        var expected = reference.GetProperty("rules").EnumerateArray().ToList();
        Assert.True(expected.Count > 100);
        Assert.Equal(expected.Count, rules.Count);
        foreach (var e in expected)
        {
            var rule = rules[Key(e.GetProperty("antecedent").EnumerateArray().Select(i => i.GetString()), e.GetProperty("consequent").EnumerateArray().Select(i => i.GetString()))];
            Assert.Equal(e.GetProperty("support").GetDouble(), rule.Support, 1e-12);
            Assert.Equal(e.GetProperty("confidence").GetDouble(), rule.Confidence, 1e-12);
            Assert.Equal(e.GetProperty("lift").GetDouble(), rule.Lift, 1e-12);
        }
    }

    [Fact]
    public void Rules_respect_the_length_bounds_and_thresholds_and_come_strongest_first()
    {
        var rules = AssociationRules.Mine(HanBaskets, new RuleOptions(MinSupport: 2 / 9.0, MinConfidence: 0.6, MinLift: 1.1, MinLength: 2, MaxLength: 2), Ct);
        Assert.NotEmpty(rules);
        Assert.All(rules, r =>
        {
            Assert.Equal(2, r.Antecedent.Count + r.Consequent.Count);
            Assert.True(r.Confidence >= 0.6 && r.Lift >= 1.1);
        });
        Assert.Equal(rules.OrderByDescending(r => r.Lift).Select(r => r.Lift), rules.Select(r => r.Lift));
    }

    [Theory]
    [InlineData(0.0, 0.2, 1.0, 2, 3, "minSupport")]
    [InlineData(0.1, 1.5, 1.0, 2, 3, "minConfidence")]
    [InlineData(0.1, 0.2, -1.0, 2, 3, "minLift")]
    [InlineData(0.1, 0.2, 1.0, 1, 3, "minLength")]
    [InlineData(0.1, 0.2, 1.0, 3, 2, "maxLength")]
    [InlineData(0.1, 0.2, 1.0, 2, 9, "maxLength")]
    public void Bad_options_are_named(double support, double confidence, double lift, int min, int max, string field) =>
        Assert.Equal(field, new RuleOptions(support, confidence, lift, min, max).Problem()?.Field);
}
