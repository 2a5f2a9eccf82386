using Tailor.Core.Content;
using Tailor.Core.Segments.Text;
using static Tailor.Core.Tests.Content.ContentFixtures;

namespace Tailor.Core.Tests.Content;

public sealed class BlockTests
{
    private readonly LiquidEngine _engine = new();

    private static ContentBlock Offer() => new("offer",
        [
            new BlockVariant("vip", RuleParser.Parse("in segment \"High-Value Customer\""), BlockContent.Of("<img src=\"premium.jpg\"> {{ user.segment.discount | default: 20 }}% off")),
            new BlockVariant("buyer", RuleParser.Parse("computed orderCount >= 1"), BlockContent.Of("Thanks for buying, {{ profile.first_name | default: 'friend' }}")),
        ],
        BlockContent.Of("Spring sale: 10% off"), null, Now, Now);

    private BlockLibrary Library(params ContentBlock[] blocks) => new(blocks.Select(_engine.CompileBlock));

    [Fact]
    public async Task First_matching_variant_wins_and_says_why()
    {
        var block = _engine.CompileBlock(Offer());
        var vip = await _engine.RenderBlockAsync(block, Scope(Profile(orders: 5), ["High-Value Customer"]), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("vip", "<img src=\"premium.jpg\"> 20% off"), (vip.Choice.Variant, vip.Output));
        Assert.Equal("matched in segment \"High-Value Customer\"", vip.Choice.Reason);

        var buyer = await _engine.RenderBlockAsync(block, Scope(Profile(orders: 1, traits: new { first_name = "Ann" })), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("buyer", "Thanks for buying, Ann"), (buyer.Choice.Variant, buyer.Output));
    }

    [Fact]
    public async Task Nothing_matching_or_no_profile_renders_the_default()
    {
        var block = _engine.CompileBlock(Offer());
        var none = await _engine.RenderBlockAsync(block, Scope(Profile()), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("default", "Spring sale: 10% off", "no variant's condition matched"), (none.Choice.Variant, none.Output, none.Choice.Reason));
        var anonymous = await _engine.RenderBlockAsync(block, Scope(null), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("default", "Spring sale: 10% off"), (anonymous.Choice.Variant, anonymous.Output));
    }

    [Fact]
    public async Task Variant_whose_data_is_missing_falls_back_to_the_default()
    {
        var block = _engine.CompileBlock(new ContentBlock("carousel",
            [new BlockVariant("picks", RuleParser.Parse("computed eventCount >= 0"), BlockContent.Of("{% for p in recommendations %}<li>{{ p.name }}</li>{% endfor %}"))],
            BlockContent.Of("Browse our bestsellers"), null, Now, Now));
        var empty = await _engine.RenderBlockAsync(block, Scope(Profile()), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("default", "Browse our bestsellers"), (empty.Choice.Variant, empty.Output));
        Assert.Contains("data is missing", empty.Choice.Reason, StringComparison.Ordinal);

        var full = await _engine.RenderBlockAsync(block, Scope(Profile(), recommendations: [new RecommendedItem("1", "Shoes", null, null, null, 1, 0)]), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("picks", "<li>Shoes</li>"), (full.Choice.Variant, full.Output));
    }

    [Fact]
    public async Task Variant_that_fails_to_render_falls_back_instead_of_breaking_the_layout()
    {
        var block = _engine.CompileBlock(new ContentBlock("broken",
            [new BlockVariant("bad", RuleParser.Parse("computed eventCount >= 0"), BlockContent.Of("{% for i in (1..3) %}{{ 1 | modulo: 0 }}{% endfor %}"))],
            BlockContent.Of("safe"), null, Now, Now));
        var template = _engine.Parse("<div>{% block 'broken' %}</div>");
        var result = await _engine.RenderAsync(template, Scope(Profile()), new RenderSettings(Blocks: new BlockLibrary([block])), CancellationToken.None);
        Assert.Equal("<div>safe</div>", result.Output);
        Assert.Equal("default", result.Blocks.Single().Variant);
    }

    [Fact]
    public async Task Decision_tree_chooses_on_several_attributes()
    {
        var tree = DecisionNode.If(RuleParser.Parse("performed \"Order Completed\" in last 7 days"),
            DecisionNode.If(RuleParser.Parse("trait interest_score > 0.8"), DecisionNode.Leaf("premium"), DecisionNode.Leaf("standard")),
            DecisionNode.Leaf(ContentBlock.DefaultVariant));
        var block = _engine.CompileBlock(new ContentBlock("products",
            [new BlockVariant("premium", null, BlockContent.Of("premium")), new BlockVariant("standard", null, BlockContent.Of("standard"))],
            BlockContent.Of("bestsellers"), tree, Now, Now));

        var recentBuyer = Profile(traits: new { interest_score = 0.9 });
        var facts = new Tailor.Core.Segments.Evaluation.ProfileFacts(recentBuyer,
            [new Tailor.Core.Segments.Evaluation.EventFact(1, "Order Completed", Now.AddDays(-2), default)], new HashSet<string>(), Tailor.Core.Segments.Evaluation.NoPopulationStats.Instance);
        var premium = await _engine.RenderBlockAsync(block, new RenderScope { Facts = facts, Now = Now }, RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("premium", "premium"), (premium.Choice.Variant, premium.Output));
        Assert.Equal("decision tree: performed \"Order Completed\" in last 1 week: yes → trait interest_score > 0.8: yes → premium", premium.Choice.Reason);

        var noOrders = await _engine.RenderBlockAsync(block, Scope(Profile(traits: new { interest_score = 0.9 })), RenderSettings.Default, CancellationToken.None);
        Assert.Equal(("default", "bestsellers"), (noOrders.Choice.Variant, noOrders.Output));
    }

    [Fact]
    public async Task Localized_body_follows_profile_locale_then_request_then_default()
    {
        var content = new BlockContent("Hello", new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["de"] = "Hallo", ["fr-CA"] = "Allô" });
        var block = _engine.CompileBlock(new ContentBlock("greeting", [], content, null, Now, Now));
        async Task<(string, string?)> Render(object? traits, string? requestLocale)
        {
            var r = await _engine.RenderBlockAsync(block, Scope(Profile(traits: traits), request: new RequestContext(requestLocale)), RenderSettings.Default, CancellationToken.None);
            return (r.Output, r.Choice.Language);
        }
        Assert.Equal(("Hallo", "de"), await Render(new { locale = "de-AT" }, "fr-CA"));
        Assert.Equal(("Allô", "fr-CA"), await Render(null, "fr-CA"));
        Assert.Equal(("Hello", null), await Render(null, "es-ES"));
    }

    [Fact]
    public async Task Templates_include_blocks_by_name_and_report_the_choices()
    {
        var template = _engine.Parse("<h1>Hi</h1>{% block 'offer' %}{% block \"missing\" %}<footer/>");
        Assert.Equal(["offer", "missing"], template.BlockNames);
        var result = await _engine.RenderAsync(template, Scope(Profile(), ["High-Value Customer"]), new RenderSettings(Strict: true, Blocks: Library(Offer())), CancellationToken.None);
        Assert.Equal("<h1>Hi</h1><img src=\"premium.jpg\"> 20% off<footer/>", result.Output);
        Assert.Equal([("offer", "vip"), ("missing", "none")], result.Blocks.Select(b => (b.Block, b.Variant)).ToArray());
        Assert.Contains(result.Missing, m => m.Path == "block \"missing\"");
        Assert.Contains(result.Missing, m => m is { Path: "user.segment.discount", Block: "offer", HasDefault: true });
    }

    [Fact]
    public async Task A_block_including_itself_stops_instead_of_looping()
    {
        var block = new ContentBlock("loop", [], BlockContent.Of("x{% block 'loop' %}"), null, Now, Now);
        var result = await _engine.RenderAsync(_engine.Parse("{% block 'loop' %}"), Scope(null), new RenderSettings(Blocks: Library(block)), CancellationToken.None);
        Assert.Equal("xxxxxxxx", result.Output);
    }

    [Fact]
    public void Invalid_variant_body_names_the_field()
    {
        var block = Offer() with { Variants = [new BlockVariant("a", RuleParser.Parse("has tag \"x\""), BlockContent.Of("ok")), new BlockVariant("b", RuleParser.Parse("has tag \"y\""), BlockContent.Of("{% if %}"))] };
        var e = Assert.Throws<BlockContentException>(() => _engine.CompileBlock(block));
        Assert.Equal("variants[1].body", e.Field);
        Assert.Equal(1, e.Error.Line);
    }
}
