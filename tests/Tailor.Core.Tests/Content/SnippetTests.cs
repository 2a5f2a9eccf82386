using Tailor.Core.Content;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Content;

/// <summary>
/// <c>{% render %}</c> and <c>{% include %}</c> read stored templates by name (Shopify's snippets), with Liquid's scoping,
/// Tailor's escaping, a depth limit and the one render budget: a hostile snippet cannot loop, recurse or fan out forever.
/// </summary>
public sealed class SnippetTests
{
    private readonly LiquidEngine _engine = new();

    private RenderSettings With(params (string Name, string Source)[] snippets) =>
        new(Blocks: new BlockLibrary([], snippets.Select(s => KeyValuePair.Create(s.Name, _engine.Parse(s.Source)))));

    private async Task<TemplateRenderException> FailsAsync(string source, RenderSettings settings) =>
        await Assert.ThrowsAsync<TemplateRenderException>(async () =>
            await _engine.RenderAsync(_engine.Parse(source), Scope(Profile()), settings, CancellationToken.None));

    [Fact]
    public async Task Render_passes_arguments_and_escapes_what_the_snippet_prints()
    {
        var settings = With(("price", "<b>{{ label }}: {{ amount | money }}</b>"));
        Assert.Equal("<b>&lt;Sale&gt;: $5.00</b>", await _engine.RenderAsync("{% render 'price', label: '<Sale>', amount: 5 %}", Scope(null), settings));
    }

    [Fact]
    public async Task Render_reads_the_profile_but_not_the_callers_variables_and_include_shares_them()
    {
        var settings = With(("hello", "{{ greeting | default: 'Hello' }} {{ profile.first_name }}"));
        var scope = Scope(Profile(traits: new { first_name = "Ann" }));
        Assert.Equal("Hello Ann|Hi Ann", await _engine.RenderAsync("{% assign greeting = 'Hi' %}{% render 'hello' %}|{% include 'hello' %}", scope, settings));
    }

    [Fact]
    public async Task Render_for_and_with_bind_each_item()
    {
        var settings = With(("item", "[{{ item }}{% if forloop.last %}.{% endif %}]"));
        Assert.Equal("[a][b][c.]|[x]", await _engine.RenderAsync("{% render 'item' for profile.tags %}|{% render 'item' with 'x' %}", Scope(Profile(tags: ["a", "b", "c"])), settings));
    }

    [Fact]
    public async Task A_snippet_that_renders_itself_stops_at_the_depth_limit()
    {
        var e = await FailsAsync("{% render 'self' %}", With(("self", "x{% render 'self' %}")));
        Assert.Contains("recursion", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Snippets_that_fan_out_share_the_callers_step_budget()
    {
        // Time is not what stops it (a busy machine must not change which limit trips): the statement count is.
        var engine = new LiquidEngine(new RenderBudget { MaxDuration = TimeSpan.FromMinutes(10) });
        var library = new BlockLibrary([], [
            KeyValuePair.Create("a", engine.Parse("{% for i in (1..1000) %}{% render 'b' %}{% endfor %}")),
            KeyValuePair.Create("b", engine.Parse("{% for i in (1..1000) %}y{% endfor %}"))]);
        var e = await Assert.ThrowsAsync<TemplateRenderException>(async () =>
            await engine.RenderAsync(engine.Parse("{% render 'a' %}"), Scope(Profile()), new RenderSettings(Blocks: library), CancellationToken.None));
        Assert.Equal("MaxSteps", Assert.IsType<RenderBudgetExceededException>(e.InnerException).Limit);
    }

    [Fact]
    public async Task A_range_in_a_snippet_is_measured_before_it_is_built()
    {
        var e = await FailsAsync("{% render 'bomb' %}", With(("bomb", "{% for i in (1..100000000) %}{{ i }}{% endfor %}")));
        Assert.Equal("MaxRangeLength", Assert.IsType<RenderBudgetExceededException>(e.InnerException).Limit);
    }

    [Fact]
    public async Task A_missing_snippet_fails_the_render_naming_it()
    {
        var e = await FailsAsync("{% render 'nope' %}", With());
        Assert.Contains("no template named 'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blocks_render_snippets_too()
    {
        var block = new ContentBlock("offer", [], BlockContent.Of("{% render 'badge', text: 'new' %}"), null, Now, Now);
        var library = new BlockLibrary([_engine.CompileBlock(block)], [KeyValuePair.Create("badge", _engine.Parse("<i>{{ text }}</i>"))]);
        Assert.Equal("<i>new</i>", await _engine.RenderAsync("{% block 'offer' %}", Scope(Profile()), new RenderSettings(Blocks: library)));
    }
}
