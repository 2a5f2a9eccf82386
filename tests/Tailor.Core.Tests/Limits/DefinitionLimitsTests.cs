using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Limits;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Limits;

/// <summary>Every limit is checked while reading, names itself, and lets through what is just within it.</summary>
public sealed class DefinitionLimitsTests
{
    private static readonly DefinitionLimits Limits = DefinitionLimits.Default;

    private static string Nots(int n) => string.Concat(Enumerable.Repeat("not ", n)) + "has tag \"x\"";

    private static Rule Alternating(int depth) => depth == 1
        ? new HasTag("x")
        : depth % 2 == 0
            ? new AllOf(ValueList.Of(Alternating(depth - 1), new HasConsent("email")))
            : new AnyOf(ValueList.Of(Alternating(depth - 1), new HasConsent("sms")));

    [Fact]
    public void Rule_text_nested_deeper_than_the_limit_is_refused_while_parsing()
    {
        Assert.IsType<Not>(RuleParser.Parse(Nots(Limits.MaxRuleDepth - 1)));
        Assert.Contains("MaxRuleDepth", Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(Nots(Limits.MaxRuleDepth))).Message);
        // Far deeper than any stack: refused at the limit, not by a crash.
        Assert.Contains("MaxRuleDepth", Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(new string('(', 4000) + "has tag x" + new string(')', 4000))).Message);
    }

    [Fact]
    public void A_rule_at_the_depth_limit_goes_through_both_forms_and_back()
    {
        var rule = Alternating(Limits.MaxRuleDepth);
        Assert.Equal(Limits.MaxRuleDepth, RuleLimitCheck.Measure(rule, Limits).Depth);
        Assert.Equal(rule, RuleParser.Parse(RulePrinter.Print(rule)));
        var json = RuleJson.ToJson(rule).ToJsonString(); // within System.Text.Json's default 64 levels
        Assert.Equal(rule, RuleJson.FromJson(json));
        Assert.Contains("MaxRuleDepth", Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(RulePrinter.Print(Alternating(Limits.MaxRuleDepth + 1)))).Message);
    }

    [Fact]
    public void Rule_size_is_limited_in_conditions_and_characters()
    {
        var limits = new DefinitionLimits { MaxRuleNodes = 10, MaxRuleTextLength = 200 };
        var nine = string.Join(" or ", Enumerable.Repeat("has tag x", 9)); // 9 leaves and the or
        Assert.IsType<AnyOf>(RuleParser.Parse(nine, limits));
        Assert.Contains("MaxRuleNodes", Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(nine + " or has tag y", limits)).Message);
        Assert.Contains("MaxRuleTextLength", Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(new string(' ', 201) + "has tag x", limits)).Message);
        var json = "{\"or\":[" + string.Join(",", Enumerable.Repeat("{\"tag\":\"x\"}", 10)) + "]}";
        Assert.Contains("MaxRuleNodes", Assert.Throws<RuleJsonException>(() => RuleJson.FromJson(json, limits)).Rule);
    }

    [Fact]
    public void Rule_json_nested_deeper_than_the_limit_names_the_path()
    {
        var json = "{\"tag\":\"x\"}";
        for (var i = 0; i < Limits.MaxRuleDepth; i++) json = "{\"not\":" + json + "}";
        var e = Assert.Throws<RuleJsonException>(() => RuleJson.FromJson(json));
        Assert.Equal("$" + string.Concat(Enumerable.Repeat(".not", Limits.MaxRuleDepth)), e.Path);
        Assert.Contains("MaxRuleDepth", e.Rule);
    }

    [Fact]
    public void Trigger_definitions_are_limited_in_steps_bytes_depth_and_email_body()
    {
        static string Trigger(string steps) => $$"""{"name":"t","start":{"event":"E"},"steps":[{{steps}}]}""";
        var limits = new DefinitionLimits { MaxTriggerSteps = 3, MaxTriggerBytes = 400, MaxTriggerDepth = 6, MaxTemplateBytes = 10 };
        Assert.Equal(3, TriggerJson.Parse(Trigger("{\"wait\":\"1h\"},{\"wait\":\"1h\"},{\"wait\":\"1h\"}"), limits).Steps.Count);
        var steps = Assert.Throws<TriggerDefinitionException>(() => TriggerJson.Parse(Trigger("{\"wait\":\"1h\"},{\"wait\":\"1h\"},{\"wait\":\"1h\"},{\"wait\":\"1h\"}"), limits));
        Assert.Equal(("$.steps", true), (steps.Path, steps.Rule.Contains("MaxTriggerSteps")));
        Assert.Contains("MaxTriggerBytes", Assert.Throws<TriggerDefinitionException>(() => TriggerJson.Parse(Trigger("{\"exit\":\"" + new string('x', 400) + "\"}"), limits)).Rule);
        Assert.Contains("MaxTriggerDepth", Assert.Throws<TriggerDefinitionException>(() =>
            TriggerJson.Parse(Trigger("{\"if\":{\"not\":{\"not\":{\"not\":{\"not\":{\"tag\":\"x\"}}}}}}"), limits)).Rule);
        var body = Assert.Throws<TriggerDefinitionException>(() =>
            TriggerJson.Parse(Trigger("{\"action\":{\"email\":{\"subject\":\"s\",\"body\":\"" + new string('b', 11) + "\"}}}"), limits));
        Assert.Equal("$.steps[0].action.email.body", body.Path);
        // A document deeper than JSON readers usually allow still gets the limit's message, not a reader error.
        var deep = Trigger("{\"exit\":" + new string('[', 150) + new string(']', 150) + "}");
        Assert.Contains("MaxTriggerDepth", Assert.Throws<TriggerDefinitionException>(() => TriggerJson.Parse(deep)).Rule);
    }

    [Fact]
    public void Loading_stored_segments_disables_the_unreadable_the_too_deep_and_those_that_refer_to_them()
    {
        var at = Now;
        SegmentDefinition Segment(string id, string name, Rule rule) => new(id, name, rule, null, 0, at, at);
        var catalog = SegmentCatalog.Load(
        [
            Segment("s1", "Live", new HasTag("x")),
            SegmentDefinition.Unreadable("s2", "Broken", "not not (", "its stored rule cannot be read: ...", null, 0, at, at),
            Segment("s3", "Deep", RuleParser.Parse(Nots(100), DefinitionLimits.Ceiling)),
            Segment("s4", "Uses deep", new InSegment("Deep")),
        ], Limits);

        Assert.Equal(["Live"], catalog.InOrder.Select(c => c.Name));
        Assert.Equal(["Broken", "Deep", "Uses deep"], catalog.Disabled.Select(d => d.Name).Order());
        Assert.Contains("MaxRuleDepth", catalog.DisabledSegment("Deep")!.Disabled);
        Assert.Contains("\"Deep\", which does not exist", catalog.DisabledSegment("s4")!.Disabled);
    }

    [Fact]
    public void A_chain_of_many_segments_each_referring_to_the_last_loads_without_deep_recursion()
    {
        var at = Now;
        var chain = Enumerable.Range(0, 50_000).Select(i =>
            new SegmentDefinition($"s{i}", $"S{i}", i == 0 ? new HasTag("x") : new InSegment($"S{i - 1}"), null, 0, at, at)).Reverse();
        var catalog = new SegmentCatalog(chain);
        Assert.Equal("S0", catalog.InOrder[0].Name);
        Assert.Equal("S49999", catalog.InOrder[^1].Name);
        var cycle = Assert.Throws<SegmentCatalogException>(() => new SegmentCatalog(
            [new SegmentDefinition("a", "A", new InSegment("B"), null, 0, at, at), new SegmentDefinition("b", "B", new InSegment("A"), null, 0, at, at)]));
        Assert.Equal("segments refer to each other in a cycle: A → B → A", cycle.Rule);
    }

    [Fact]
    public void Loading_stored_triggers_disables_one_that_no_longer_reads()
    {
        var at = Now;
        var good = new StoredTrigger("t1", "good", """{"name":"good","start":{"event":"E"},"steps":[{"exit":"done"}]}""", true, "s", at, at);
        var bad = new StoredTrigger("t2", "bad", "{\"name\":\"bad\",", true, "s", at, at);
        var deep = new StoredTrigger("t3", "deep", "{\"name\":\"deep\",\"start\":{\"event\":\"E\",\"if\":\"" + Nots(5000) + "\"},\"steps\":[{\"exit\":\"x\"}]}", true, "s", at, at);
        var catalog = new TriggerCatalog([good, bad, deep]);
        Assert.Equal(["t1"], catalog.All.Select(t => t.Id));
        Assert.Equal(["t2", "t3"], catalog.Disabled.Select(d => d.Stored.Id));
        Assert.True(catalog.StartsOn("E"));
    }

    [Fact]
    public void Templates_nested_deep_enough_to_overflow_Fluid_are_refused_before_parsing()
    {
        var engine = new LiquidEngine();
        string[] hostile =
        [
            string.Concat(Enumerable.Repeat("{% if a %}", 10_000)) + string.Concat(Enumerable.Repeat("{% endif %}", 10_000)),
            string.Concat(Enumerable.Repeat("{% for i in a %}", 5_000)),
            "{{ " + new string('(', 20_000) + "a" + new string(')', 20_000) + " }}",
            "{{ " + string.Concat(Enumerable.Repeat("a[", 20_000)) + "0" + new string(']', 20_000) + " }}",
            "{{ a" + string.Concat(Enumerable.Repeat(" | upcase", 20_000)) + " }}",
            "{% liquid\n" + string.Concat(Enumerable.Repeat("if a\n", 5_000)) + "%}",
        ];
        foreach (var source in hostile)
        {
            Assert.False(engine.TryParseTemplate(source, out _, out var error));
            Assert.Matches("MaxTemplateNesting|MaxTemplateFilters", error.Message);
        }
        var within = string.Concat(Enumerable.Repeat("{% if a %}", 32)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 32));
        Assert.True(engine.TryParseTemplate(within + within, out _, out _)); // siblings do not add up
        Assert.False(engine.TryParseTemplate("{% if a %}" + within + "{% endif %}", out _, out var deeper));
        Assert.Equal((1, 10 * 32 + 1), (deeper.Line, deeper.Column)); // points at the 33rd if
    }

    [Fact]
    public void Limits_are_checked_against_the_ceiling()
    {
        Assert.Null(DefinitionLimits.Default.Invalid());
        Assert.Contains("MaxRuleDepth", new DefinitionLimits { MaxRuleDepth = 0 }.Invalid());
        Assert.Contains("MaxRuleDepth", new DefinitionLimits { MaxRuleDepth = 10_000 }.Invalid());
        Assert.Null(RenderBudget.Default.Invalid());
        Assert.Contains("MaxSteps", new RenderBudget { MaxSteps = -1 }.Invalid());
    }

    [Fact]
    public void Limits_are_set_by_name_and_value()
    {
        var (definitions, budget) = LimitSettings.Parse("MaxRuleDepth=32, MaxTemplateBytes=1000,MaxDuration=5000,MaxRangeLength=7");
        Assert.Equal((32, 1000, 500), (definitions.MaxRuleDepth, definitions.MaxTemplateBytes, definitions.MaxRuleNodes));
        Assert.Equal((TimeSpan.FromSeconds(5), 7, RenderBudget.Default.MaxSteps), (budget.MaxDuration, budget.MaxRangeLength, budget.MaxSteps));
        Assert.Equal((DefinitionLimits.Default, RenderBudget.Default), LimitSettings.Parse(null));
        Assert.Contains("is not a limit", Assert.Throws<FormatException>(() => LimitSettings.Parse("MaxDepth=3")).Message);
        Assert.Contains("MaxRuleDepth must be between 1 and 200", Assert.Throws<FormatException>(() => LimitSettings.Parse("MaxRuleDepth=5000")).Message);
        Assert.Contains("whole number", Assert.Throws<FormatException>(() => LimitSettings.Parse("MaxRuleDepth=deep")).Message);
    }

    [Fact]
    public async Task A_stored_trait_with_a_lone_surrogate_renders_and_evaluates()
    {
        var profile = Profile();
        using (var trait = JsonDocument.Parse("\"ab\\ud800c\""))
            profile.Traits["name"] = new TraitValue(trait.RootElement.Clone(), Now);
        using (var nested = JsonDocument.Parse("{\"\\udc00k\":\"\\ud83d\\ude00\"}"))
            profile.Traits["doc"] = new TraitValue(nested.RootElement.Clone(), Now);
        var engine = new LiquidEngine();
        Assert.Equal("ab\uFFFDc 1", await engine.RenderAsync("{{ profile.name }} {{ profile.doc.size }}", Scope(profile)));
        var facts = new ProfileFacts(profile, [], new HashSet<string>(), NoPopulationStats.Instance);
        Assert.True(RuleEvaluator.Evaluate(RuleParser.Parse("trait name starts with \"ab\""), facts, Now).Matched);
        Assert.Equal("\uFFFDk", JsonStrings.Name(profile.Traits["doc"].Value.EnumerateObject().Single()));
    }
}
