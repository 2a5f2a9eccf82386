using Microsoft.Extensions.Time.Testing;
using Tailor.Core.Content;
using Tailor.Core.Limits;
using Tailor.Core.Segments.Text;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Content;

/// <summary>One budget per render: ranges measured before they are built, steps shared with included blocks, output and time capped.</summary>
public sealed class RenderBudgetTests
{
    private static async Task<TemplateRenderException> FailsAsync(LiquidEngine engine, string source, RenderScope? scope = null, RenderSettings? settings = null) =>
        await Assert.ThrowsAsync<TemplateRenderException>(async () =>
            await engine.RenderAsync(engine.Parse(source), scope ?? Scope(Profile()), settings ?? RenderSettings.Default, CancellationToken.None));

    [Fact]
    public async Task A_range_bomb_fails_at_once_naming_the_limit()
    {
        // "At once" is shown by which limit trips: iterating would hit the step or output budget first, so a
        // MaxRangeLength failure means the range was measured before it was built (no wall clock: it flakes under load).
        var e = await FailsAsync(new LiquidEngine(), "{% for i in (1..100000000) %}{{ i }}{% endfor %}");
        Assert.Contains("MaxRangeLength", e.Message);
        Assert.Contains("(1..100000000)", e.Message);
        Assert.Equal("MaxRangeLength", Assert.IsType<RenderBudgetExceededException>(e.InnerException).Limit);
    }

    [Fact]
    public async Task A_range_bound_read_from_a_trait_is_checked_too()
    {
        var e = await FailsAsync(new LiquidEngine(), "{% for i in (1..profile.n) %}x{% endfor %}{{ (1..profile.n) | size }}", Scope(Profile(traits: new { n = 2_000_000_000 })));
        Assert.Contains("MaxRangeLength", e.Message);
    }

    [Fact]
    public async Task A_range_within_the_budget_renders_as_before()
    {
        var engine = new LiquidEngine(new RenderBudget { MaxRangeLength = 5 });
        Assert.Equal("12345", await engine.RenderAsync("{% for i in (1..5) %}{{ i }}{% endfor %}", Scope(null)));
        Assert.Equal("3", await engine.RenderAsync("{{ (1..3) | size }}", Scope(null)));
        Assert.Contains("MaxRangeLength", (await FailsAsync(engine, "{% for i in (0..5) %}{% endfor %}")).Message);
    }

    [Fact]
    public async Task Output_is_capped_in_bytes()
    {
        var engine = new LiquidEngine(new RenderBudget { MaxOutputBytes = 1000 });
        Assert.Equal(new string('x', 1000), await engine.RenderAsync("{% for i in (1..1000) %}x{% endfor %}", Scope(null)));
        var e = await FailsAsync(engine, "{% for i in (1..1001) %}x{% endfor %}");
        Assert.Contains("MaxOutputBytes", e.Message);
        Assert.Contains("MaxOutputBytes", (await FailsAsync(engine, "{% for i in (1..501) %}é{% endfor %}")).Message); // 2 bytes each: 1002
    }

    [Fact]
    public async Task Variables_that_grow_without_being_written_are_held_to_the_budget()
    {
        var doubling = await FailsAsync(new LiquidEngine(), "{% assign s = 'x' %}{% for i in (1..64) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}");
        Assert.Contains("the variable 's' grew past", doubling.Message);
        var captured = await FailsAsync(new LiquidEngine(), "{% assign s = 'xxxxxxxx' %}{% for i in (1..64) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}");
        Assert.Contains("MaxOutputBytes", captured.Message);
        var array = await FailsAsync(new LiquidEngine(), "{% assign a = (1..1000) %}{% for i in (1..64) %}{% assign a = a | concat: a %}{% endfor %}");
        Assert.Contains("the variable 'a' grew past", array.Message);
    }

    [Fact]
    public async Task Steps_are_counted_across_included_blocks()
    {
        // Each block alone stays under the limit; together they do not: the count carries from block to block.
        var engine = new LiquidEngine(new RenderBudget { MaxSteps = 3000 });
        var loop = "{% for i in (1..400) %}{% assign x = i %}{% endfor %}";
        var blocks = new BlockLibrary([engine.CompileBlock(new ContentBlock("heavy", [], BlockContent.Of(loop), null, Now, Now))]);
        Assert.Equal("", await engine.RenderAsync("{% block 'heavy' %}", Scope(null), new RenderSettings(Blocks: blocks)));
        var e = await FailsAsync(engine, string.Concat(Enumerable.Repeat("{% block 'heavy' %}", 10)) + loop, settings: new RenderSettings(Blocks: blocks));
        Assert.Contains("MaxSteps", e.Message);
    }

    [Fact]
    public async Task A_block_variant_past_its_budget_falls_back_to_the_default()
    {
        var engine = new LiquidEngine();
        var block = engine.CompileBlock(new ContentBlock("hero",
            [new BlockVariant("bomb", RuleParser.Parse("trait n exists"), BlockContent.Of("{% for i in (1..profile.n) %}{{ i }}{% endfor %}"))],
            BlockContent.Of("safe"), null, Now, Now));
        var r = await engine.RenderBlockAsync(block, Scope(Profile(traits: new { n = 100_000_000 })), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("safe", "default"), (r.Output, r.Choice.Variant));
        Assert.Contains("render budget (MaxRangeLength)", r.Choice.Reason);
    }

    [Fact]
    public async Task Time_is_measured_on_the_engine_clock()
    {
        var clock = new FakeTimeProvider(Now);
        var engine = new LiquidEngine(new RenderBudget { MaxDuration = TimeSpan.FromSeconds(1) }, time: clock);
        Assert.Equal("ab", await engine.RenderAsync("a{{ 'b' }}", Scope(null)));
        clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(600); // every reading of the clock moves it on
        var e = await FailsAsync(engine, "{% for i in (1..10) %}{{ i }}{% endfor %}");
        Assert.Contains("MaxDuration", e.Message);
    }

    [Fact]
    public async Task Cancellation_is_passed_to_the_render()
    {
        var engine = new LiquidEngine();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await engine.RenderAsync(engine.Parse("{% for i in (1..10) %}{{ i }}{% endfor %}"), Scope(null), RenderSettings.Default, cancelled.Token));
    }

    [Fact]
    public void A_template_over_the_size_limit_does_not_parse()
    {
        var engine = new LiquidEngine(limits: new DefinitionLimits { MaxTemplateBytes = 100 });
        Assert.True(engine.TryParseTemplate(new string('a', 100), out _, out _));
        Assert.False(engine.TryParseTemplate(new string('a', 101), out _, out var error));
        Assert.Contains("MaxTemplateBytes", error.Message);
    }
}
