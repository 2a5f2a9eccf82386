using System.Diagnostics;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;
using Tailor.Core.Triggers;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Fuzzing;

/// <summary>
/// Property-based fuzzing (issue 10, item 11): hostile input to every parser of outside text ends in the documented
/// error type or a result, within a bounded time, and never takes the process down (a stack overflow would kill the
/// test host, which scripts/test.sh reports as a failure). Cases per property: TAILOR_FUZZ_CASES.
/// </summary>
public sealed class HostileInputFuzzTests
{
    /// <summary>The longest one case may take; far above a normal case, far below a hang.</summary>
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(10);

    private static readonly MessageParser Parser = new(IngestionLimits.Default, () => "generated");
    private static readonly LiquidEngine Engine = new();

    private static void Within(string input, Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        Assert.True(watch.Elapsed < CaseBound, $"took {watch.Elapsed} on: {Shorten(input)}");
    }

    private static string Shorten(string input) => input.Length <= 300 ? input : input[..300] + $"… ({input.Length} chars)";

    /// <summary>Runs a parser as the tracking API does and returns what it made of the message.</summary>
    internal static string Ingest(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var result = Parser.Parse(document.RootElement, null, new MessageParser.Arrival("src_1", Now));
            return result.Event is null ? "refused" : "accepted";
        }
        catch (Exception e) when (e is JsonException or ArgumentException) // ArgumentException: not valid UTF-16, which HTTP bodies cannot be
        {
            return "not json"; // the API answers 400 before the parser sees it
        }
    }

    /// <summary>
    /// True while MessageParser still throws on a lone UTF-16 surrogate escape in a name or id (System.Text.Json refuses
    /// to read one). Refusing them at ingestion is issue 10, item 1, built separately; until it lands the ingestion
    /// fuzzers let that one known throw through (and only it), and its regression cases are skipped. Found by these fuzzers.
    /// </summary>
    internal static bool ParserThrowsOnLoneSurrogates()
    {
        try
        {
            Ingest("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"\\udc00\"}");
            Ingest("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"\\ud800\":1}");
            return false;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Ingests; while <paramref name="loneSurrogateBug"/> holds, the parser's known throw on lone surrogates is let through, and nothing else.</summary>
    private static void IngestTolerating(string json, bool loneSurrogateBug)
    {
        try
        {
            Ingest(json);
        }
        catch (InvalidOperationException e) when (loneSurrogateBug && e.Message.Contains("UTF-16", StringComparison.Ordinal))
        {
        }
    }

    internal const string LoneSurrogateSkip = "MessageParser throws on lone surrogate escapes (issue 10 item 1 refuses them at ingestion; not merged here yet)";

    internal static void RuleText(string text)
    {
        Rule rule;
        try
        {
            rule = RuleParser.Parse(text);
        }
        catch (RuleSyntaxException)
        {
            return;
        }
        // What parses prints, reads back, converts to JSON and evaluates.
        Assert.Equal(rule, RuleParser.Parse(RulePrinter.Print(rule)));
        Assert.Equal(rule, RuleJson.FromJson(RuleJson.ToJson(rule).ToJsonString()));
        RuleEvaluator.Evaluate(rule, Facts, Now);
    }

    internal static void RuleJsonText(string json)
    {
        try
        {
            var rule = RuleJson.FromJson(json);
            Assert.Equal(rule, RuleParser.Parse(RulePrinter.Print(rule)));
            RuleEvaluator.Evaluate(rule, Facts, Now);
        }
        catch (RuleJsonException)
        {
        }
    }

    internal static void Trigger(string json)
    {
        try
        {
            TriggerJson.Parse(json);
        }
        catch (TriggerDefinitionException)
        {
        }
    }

    internal static async ValueTask TemplateAsync(string source)
    {
        if (!Engine.TryParseTemplate(source, out var template, out _)) return;
        var settings = new RenderSettings(Strict: true, Blocks: Blocks);
        try
        {
            await Engine.RenderAsync(template, Scope(HostileProfile), settings, CancellationToken.None);
        }
        catch (TemplateRenderException)
        {
        }
        await Engine.RenderBlockAsync(Blocks.Find("b")!, Scope(HostileProfile), settings, CancellationToken.None); // never throws: falls back
    }

    private static readonly Profile HostileProfile = HostileTraits();

    private static readonly ProfileFacts Facts = new(HostileProfile, [], new HashSet<string>(), NoPopulationStats.Instance);

    private static readonly BlockLibrary Blocks = new(
    [
        Engine.CompileBlock(new ContentBlock("b", [new BlockVariant("v", RuleParser.Parse("trait n exists"), BlockContent.Of("{% for i in (1..profile.n) %}{{ i }}{% endfor %}"))],
            BlockContent.Of("default"), null, Now, Now)),
        Engine.CompileBlock(new ContentBlock("self", [], BlockContent.Of("again {% block 'self' %}"), null, Now, Now)),
    ]);

    private static Profile HostileTraits()
    {
        var profile = Profile(traits: new { n = 100_000_000, plan = "pro", email = "a@example.com" });
        foreach (var (name, json) in new[] { ("name", "\"a\\ud800b\""), ("doc", new string('[', 60) + new string(']', 60)), ("huge", "\"" + new string('x', 30_000) + "\"") })
        {
            using var document = JsonDocument.Parse(json);
            profile.Traits[name] = new TraitValue(document.RootElement.Clone(), Now);
        }
        return profile;
    }

    [Fact(Timeout = 240_000)]
    public async Task Hostile_messages_are_accepted_or_refused_never_thrown()
    {
        var tolerate = ParserThrowsOnLoneSurrogates();
        await Task.Yield();
        Check.One(Hostile.Config, Prop.ForAll(Arb.From(Hostile.Message), json => Within(json, () => IngestTolerating(json, tolerate))));
    }

    [Fact(Timeout = 240_000)]
    public async Task Hostile_json_alone_is_accepted_or_refused_never_thrown()
    {
        var tolerate = ParserThrowsOnLoneSurrogates();
        await Task.Yield();
        Check.One(Hostile.Config, Prop.ForAll(Arb.From(Hostile.Json(Hostile.MessageKeys)), json => Within(json, () => IngestTolerating(json, tolerate))));
    }

    [Fact(Timeout = 240_000)]
    public async Task Hostile_rule_text_parses_or_fails_with_a_syntax_error()
    {
        await Task.Yield();
        Check.One(Hostile.Config, Prop.ForAll(Arb.From(Hostile.RuleText), text => Within(text, () => RuleText(text))));
    }

    [Fact(Timeout = 240_000)]
    public async Task Hostile_rule_json_reads_or_fails_with_a_json_rule_error()
    {
        await Task.Yield();
        Check.One(Hostile.Config, Prop.ForAll(Arb.From(Hostile.Json(Hostile.RuleKeys)), json => Within(json, () => RuleJsonText(json))));
    }

    [Fact(Timeout = 240_000)]
    public async Task Hostile_trigger_definitions_read_or_fail_with_a_definition_error()
    {
        await Task.Yield();
        Check.One(Hostile.Config, Prop.ForAll(Arb.From(Hostile.Json(Hostile.TriggerKeys)), json => Within(json, () => Trigger(json))));
    }

    [Fact(Timeout = 240_000)]
    public async Task Hostile_templates_parse_and_render_within_the_budget_or_fail_clearly()
    {
        await Task.Yield();
        Check.One(Hostile.Config, Prop.ForAll(Arb.From(Hostile.Template), source => Within(source, () => TemplateAsync(source).AsTask().GetAwaiter().GetResult())));
    }
}
