using FsCheck;
using FsCheck.Fluent;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Tests.Segments;

/// <summary>Both forms convert to and from the rule tree without loss, over randomly generated trees.</summary>
public sealed class RuleRoundTripProperties
{
    private static readonly Config Config = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(1000).WithEndSize(40);

    private static readonly string[] Names =
        ["Order Completed", "a", "with \"quotes\"", "back\\slash", "tab\there", "new\nline", "é ü 漢", "and", "in", "trait", "x-y", " padded "];

    private static readonly string[] Paths =
        ["plan", "address.city", "context.location.city", "in", "Order", "with space", "élan", "a-b", "_u", "1abc", "last", "true", "a..b"];

    private static readonly string[] ComputedNames =
        ["eventCount", "orderCount", "totalRevenue", "averageOrderValue", "engagementScore", "eventCounts.Order Completed", "eventCounts.x"];

    private static readonly decimal[] Numbers = [0m, 1m, -1m, 3m, 1.0m, 0.5m, -0.25m, 12.50m, 1000m, 79228162514264337593543950335m, -0.0000001m];

    private static readonly Gen<string> Name = Gen.Elements(Names);
    private static readonly Gen<string> Path = Gen.Elements(Paths);

    private static readonly Gen<Literal> LiteralGen = Gen.OneOf(
        Name.Select(Literal.Of),
        Gen.Elements(Numbers).Select(Literal.Of),
        Gen.Elements(true, false).Select(Literal.Of));

    private static readonly Gen<Comparison> ComparisonGen = Gen.Elements(Enum.GetValues<Operator>()).SelectMany(op => op switch
    {
        Operator.Exists => Gen.Constant(new Comparison(op, ValueList<Literal>.Empty)),
        Operator.Between => LiteralGen.Two().Select(t => Comparison.Of(op, t.Item1, t.Item2)),
        Operator.In => Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(LiteralGen, n)).Select(values => new Comparison(op, new ValueList<Literal>(values))),
        _ => LiteralGen.Select(value => Comparison.Of(op, value)),
    });

    private static readonly Gen<Measure> MeasureGen = Gen.OneOf(
        Gen.Constant(Measure.AtLeastOnce),
        from op in Gen.Elements(Operator.GreaterOrEqual, Operator.LessOrEqual, Operator.Greater, Operator.Less, Operator.Equal)
        from count in Gen.Choose(0, 50)
        select new Measure(Aggregate.Count, null, op, count),
        from aggregate in Gen.Elements(Aggregate.Sum, Aggregate.Min, Aggregate.Max, Aggregate.Distinct)
        from property in Path
        from op in Gen.Elements(Operator.Equal, Operator.NotEqual, Operator.Less, Operator.LessOrEqual, Operator.Greater, Operator.GreaterOrEqual)
        from value in Gen.Elements(Numbers)
        select new Measure(aggregate, property, op, value));

    private static readonly Gen<Window> WindowGen =
        from last in Gen.OneOf(
            Gen.Constant<TimeSpan?>(null),
            Gen.Elements(1, 59, 60, 90, 1440, 10080, 43200, 44640, 525600).Select(m => (TimeSpan?)TimeSpan.FromMinutes(m)),
            Gen.Choose(1, 1_000_000).Select(m => (TimeSpan?)TimeSpan.FromMinutes(m)))
        from since in Gen.OneOf(Gen.Constant<string?>(null), Name.Select(n => (string?)n))
        from inSession in Gen.Elements(true, false)
        select new Window(last, since, inSession);

    private static readonly Gen<Rule> Leaf = Gen.OneOf(
        from path in Path from comparison in ComparisonGen select (Rule)new TraitIs(path, comparison),
        from name in Gen.Elements(ComputedNames) from comparison in ComparisonGen select (Rule)new ComputedIs(name, comparison),
        from name in Gen.Elements(ComputedNames) from percent in Gen.Elements(0.5m, 1m, 10m, 12.5m, 100m) select (Rule)new ComputedInTop(name, percent),
        from name in Name
        from n in Gen.Choose(0, 3)
        from filters in Gen.ListOf(from p in Path from c in ComparisonGen select new PropertyFilter(p, c), n)
        from measure in MeasureGen
        from window in WindowGen
        select (Rule)new Performed(name, new ValueList<PropertyFilter>(filters), measure, window),
        Name.Select(n => (Rule)new InSegment(n)),
        Gen.Elements("email", "analytics", "sms", "personalization", "in").Select(p => (Rule)new HasConsent(p)),
        Gen.Elements("loyal", "loyal/high-value", "VIP", "a b/c").Select(t => (Rule)new HasTag(t)));

    /// <summary>Rule trees up to a depth that grows with FsCheck's size; and/or have at least two children.</summary>
    private static Gen<Rule> RuleGen(int size) => size <= 1
        ? Leaf
        : Gen.Frequency(
            (3, Leaf),
            (2, Gen.Choose(2, 4).SelectMany(n => Gen.ListOf(RuleGen(size / 3), n)).Select(rules => (Rule)new AllOf(new ValueList<Rule>(rules)))),
            (2, Gen.Choose(2, 4).SelectMany(n => Gen.ListOf(RuleGen(size / 3), n)).Select(rules => (Rule)new AnyOf(new ValueList<Rule>(rules)))),
            (1, RuleGen(size / 2).Select(r => (Rule)new Not(r))),
            (1, from p in Path from r in RuleGen(size / 2) select (Rule)new ForSome(p, r)));

    private static readonly Arbitrary<Rule> Rules = Arb.From(Gen.Sized(RuleGen));

    [Fact]
    public void Parsing_the_printed_text_gives_back_the_rule()
    {
        Check.One(Config, Prop.ForAll(Rules, rule =>
        {
            var printed = RulePrinter.Print(rule);
            return (RuleParser.Parse(printed) == rule).Label(printed);
        }));
    }

    [Fact]
    public void Reading_the_written_json_gives_back_the_rule()
    {
        Check.One(Config, Prop.ForAll(Rules, rule =>
        {
            var json = RuleJson.ToJson(rule).ToJsonString();
            return (RuleJson.FromJson(json) == rule).Label(json);
        }));
    }

    [Fact]
    public void Printing_is_canonical_whatever_form_the_rule_came_from()
    {
        Check.One(Config, Prop.ForAll(Rules, rule =>
        {
            var printed = RulePrinter.Print(rule);
            return (RulePrinter.Print(RuleJson.FromJson(RuleJson.ToJson(RuleParser.Parse(printed)).ToJsonString())) == printed).Label(printed);
        }));
    }

    [Fact]
    public void The_generator_reaches_every_kind_of_node()
    {
        var kinds = Gen.Sample(Gen.Sized(RuleGen), 30, 300).SelectMany(Flatten).Select(r => r.GetType()).ToHashSet();

        Assert.Equal(11, kinds.Count);
    }

    private static IEnumerable<Rule> Flatten(Rule rule) => rule switch
    {
        AllOf all => all.Rules.SelectMany(Flatten).Prepend(rule),
        AnyOf any => any.Rules.SelectMany(Flatten).Prepend(rule),
        Not not => Flatten(not.Rule).Prepend(rule),
        ForSome some => Flatten(some.Rule).Prepend(rule),
        _ => [rule],
    };
}
