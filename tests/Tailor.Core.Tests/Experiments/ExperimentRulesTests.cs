using Tailor.Core.Experiments;

namespace Tailor.Core.Tests.Experiments;

/// <summary>Each rule of a definition refuses with the field and the rule named.</summary>
public sealed class ExperimentRulesTests
{
    private static readonly ExperimentMetric Orders = new("orders", MetricKind.Conversion, "Order Completed");

    private static ExperimentDefinition Valid() => new("home-hero", "Home hero", new ExperimentSubject(SubjectKind.Placement, "home"),
        [new ExperimentVariant("control"), new ExperimentVariant("bold", Block: "bold_banner")], Orders);

    private static string? Broken(ExperimentDefinition d) => ExperimentRules.Prepare(d).Error is { } e ? $"{e.Field}: {e.Rule}" : null;

    [Fact]
    public void A_valid_definition_passes() => Assert.Null(Broken(Valid()));

    [Theory]
    [InlineData("Home", "key")]
    [InlineData("", "key")]
    [InlineData("-x", "key")]
    public void Key_syntax_is_checked(string key, string field) => Assert.StartsWith($"{field}: must be 1 to 64 characters", Broken(Valid() with { Key = key }));

    [Fact]
    public void Allocations_must_sum_to_one() =>
        Assert.Equal("variants: weights must sum to 1 (they sum to 0.9)",
            Broken(Valid() with { Variants = [new ExperimentVariant("a", 0.5), new ExperimentVariant("b", 0.4)] }));

    [Fact]
    public void Weights_are_given_for_all_variants_or_none() =>
        Assert.StartsWith("variants: must give a weight for every variant or for none",
            Broken(Valid() with { Variants = [new ExperimentVariant("a", 0.5), new ExperimentVariant("b")] }));

    [Fact]
    public void Variant_count_is_bounded()
    {
        Assert.StartsWith("variants: must have 2 to 24 variants", Broken(Valid() with { Variants = [new ExperimentVariant("only")] }));
        Assert.StartsWith("variants: must have 2 to 24 variants", Broken(Valid() with { Variants = Enumerable.Range(0, 25).Select(i => new ExperimentVariant($"v{i}")).ToArray() }));
    }

    [Fact]
    public void Variant_keys_are_unique_and_not_holdout()
    {
        Assert.Equal("variants[1].key: must be unique", Broken(Valid() with { Variants = [new ExperimentVariant("a"), new ExperimentVariant("a")] }));
        Assert.StartsWith("variants[0].key: must not be \"holdout\"", Broken(Valid() with { Variants = [new ExperimentVariant("holdout"), new ExperimentVariant("a")] }));
    }

    [Fact]
    public void Metric_names_and_fields_are_checked()
    {
        Assert.StartsWith("primaryMetric.name: must be 1 to 64", Broken(Valid() with { PrimaryMetric = Orders with { Name = "Bad Name" } }));
        Assert.Equal("secondaryMetrics[0].name: must be unique among the experiment's metrics", Broken(Valid() with { SecondaryMetrics = [Orders] }));
        Assert.StartsWith("secondaryMetrics[0].property: is required for a sum metric", Broken(Valid() with { SecondaryMetrics = [new ExperimentMetric("revenue", MetricKind.Sum, "Order Completed")] }));
        Assert.StartsWith("guardrailMetrics[0].denominatorEvent: is required for a ratio metric", Broken(Valid() with { GuardrailMetrics = [new ExperimentMetric("aov", MetricKind.Ratio, "Order Completed", "revenue")] }));
        Assert.StartsWith("secondaryMetrics[0].property: must be a property name", Broken(Valid() with { SecondaryMetrics = [new ExperimentMetric("r", MetricKind.Sum, "Order Completed", "a'); drop")] }));
        Assert.StartsWith("primaryMetric.windowHours: must be above 0", Broken(Valid() with { PrimaryMetric = Orders with { WindowHours = 0 } }));
    }

    [Fact]
    public void Holdout_and_subject_are_checked()
    {
        Assert.StartsWith("holdout: must be a fraction between 0 and 0.5", Broken(Valid() with { Holdout = 0.6 }));
        Assert.StartsWith("subject.name: is required for a placement experiment", Broken(Valid() with { Subject = new ExperimentSubject(SubjectKind.Placement) }));
        Assert.StartsWith("variants[1].block: is only for placement experiments", Broken(Valid() with { Subject = new ExperimentSubject(SubjectKind.Flag) }));
        Assert.StartsWith("variants[0].value: is required for a trigger experiment",
            Broken(Valid() with { Subject = new ExperimentSubject(SubjectKind.Trigger, "welcome"), Variants = [new ExperimentVariant("a"), new ExperimentVariant("b", Value: "x")] }));
    }

    [Fact]
    public void Starting_needs_a_primary_metric() =>
        Assert.Equal("primaryMetric", ExperimentRules.ReadyToStart(Valid() with { PrimaryMetric = null })!.Field);

    [Fact]
    public void Factors_generate_the_full_factorial()
    {
        var d = Valid() with
        {
            Subject = new ExperimentSubject(SubjectKind.Flag), Variants = [],
            Factors = [new ExperimentFactor("headline", ["a", "b"]), new ExperimentFactor("image", ["x", "y", "z"]), new ExperimentFactor("cta", ["buy", "go"])],
        };
        var (prepared, error) = ExperimentRules.Prepare(d);
        Assert.Null(error);
        Assert.Equal(12, prepared!.Variants.Count);
        Assert.Equal(["a.x.buy", "a.x.go", "a.y.buy"], prepared.Variants.Take(3).Select(v => v.Key));
        Assert.Equal("z", prepared.Variants[^1].Levels!["image"]);
        Assert.StartsWith("factors: must make at most 24 cells (the full factorial has 27)",
            Broken(d with { Factors = [new("f", ["a", "b", "c"]), new("g", ["a", "b", "c"]), new("h", ["a", "b", "c"])] }));
    }

    [Fact]
    public void The_global_holdout_has_its_own_key_and_arms()
    {
        var global = new ExperimentDefinition(ExperimentArms.GlobalKey, null, new ExperimentSubject(SubjectKind.Global), [], Orders, Holdout: 0.05);
        var (prepared, error) = ExperimentRules.Prepare(global);
        Assert.Null(error);
        Assert.Equal([("holdout", 0.05), ("personalized", 0.95)], prepared!.Arms().Select(a => (a.Arm, Math.Round(a.Weight, 12))));
        Assert.StartsWith("key: must be \"global-holdout\"", Broken(global with { Key = "other" }));
        Assert.StartsWith("holdout: must be above 0", Broken(global with { Holdout = 0 }));
    }
}
