using Tailor.Core.Content;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Content;

/// <summary>
/// The differences from Shopify's Liquid that issue 14 names, each against Shopify's documented output (shopify.dev,
/// "Liquid filters" and "Liquid tags" reference pages) through Tailor's configured engine and scope.
/// </summary>
public sealed class LiquidCompatibilityTests
{
    private readonly LiquidEngine _engine = new();

    [Theory]
    [InlineData("{{ 'March 14, 2016' | date: '%b %d, %y' }}", "Mar 14, 16")] // a date string (Shopify's example)
    [InlineData("{{ 1152098955 | date: '%m/%d/%Y' }}", "07/05/2006")] // a Unix timestamp (Shopify's example)
    [InlineData("{{ '1152098955' | date: '%m/%d/%Y' }}", "07/05/2006")] // a timestamp given as text
    [InlineData("{{ 'now' | date: '%Y-%m-%d %H:%M' }}", "2025-03-01 12:00")] // "now" is the render's clock
    [InlineData("{{ '2025-03-01T12:00:00Z' | date: '%A, %-d %B %Y %H:%M %Z' }}", "Saturday, 1 March 2025 12:00 UTC")]
    [InlineData("{{ 'not a date' | date: '%Y' }}", "not a date")] // cannot be parsed: the input unchanged
    [InlineData("{{ 'March 14, 2016' | date: '' }}", "March 14, 2016")] // an empty format: the input unchanged
    public async Task Date_takes_shopify_formats_timestamps_and_strings(string source, string expected) =>
        Assert.Equal(expected, await _engine.RenderAsync(source, Scope(null)));

    [Fact]
    public async Task Divided_by_a_float_gives_a_float_printed_as_ruby_prints_it()
    {
        Assert.Equal("5.0|2.5|5.0|3", await _engine.RenderAsync("{{ 10 | divided_by: 2.0 }}|{{ 10 | divided_by: 4.0 }}|{{ 10.0 | divided_by: 2 }}|{{ 10 | divided_by: 3 }}", Scope(null)));
    }

    [Fact]
    public async Task Blocks_holding_only_whitespace_render_nothing()
    {
        Assert.Equal("[][][][]", await _engine.RenderAsync(
            "[{% if true %}   {% endif %}][{% for i in (1..3) %}  {% endfor %}][{% case 1 %}{% when 1 %}  {% endcase %}][{% unless false %} {% endunless %}]", Scope(null)));
        Assert.Equal("[ x ]", await _engine.RenderAsync("[{% if true %} x {% endif %}]", Scope(null)));
    }

    [Fact]
    public async Task Forloop_counts_the_items_shown_after_offset_and_limit()
    {
        Assert.Equal("4:1truefalse 5:2falsefalse 6:3falsetrue ",
            await _engine.RenderAsync("{% for i in (1..10) offset: 3 limit: 3 %}{{ i }}:{{ forloop.index }}{{ forloop.first }}{{ forloop.last }} {% endfor %}", Scope(null)));
    }

    [Fact]
    public async Task Negative_indexes_count_from_the_end()
    {
        var profile = Profile(tags: ["a", "b", "c", "d"]);
        Assert.Equal("d|a|[]", await _engine.RenderAsync("{{ profile.tags[-1] }}|{{ profile.tags[-4] }}|[{{ profile.tags[-5] }}]", Scope(profile)));
    }

    [Fact]
    public async Task Contains_with_an_undefined_operand_is_false()
    {
        Assert.Equal("no|no", await _engine.RenderAsync(
            "{% if nothing contains 'x' %}yes{% else %}no{% endif %}|{% if segments contains profile.traits.nope %}yes{% else %}no{% endif %}",
            Scope(Profile(), ["VIP"])));
    }

    [Fact]
    public async Task Fluid_only_operators_are_refused_so_templates_stay_portable()
    {
        Assert.False(_engine.TryParseTemplate("{% if 'abc' startswith 'a' %}x{% endif %}", out _, out _));
        Assert.False(_engine.TryParseTemplate("{% if 'abc' endswith 'c' %}x{% endif %}", out _, out _));
    }
}
