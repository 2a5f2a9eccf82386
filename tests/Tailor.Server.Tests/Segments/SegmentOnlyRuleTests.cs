using System.Net;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Segments;

/// <summary>
/// A rule accepted in a trigger or a block condition behaves as in a segment: "computed X in top N percent" needs the
/// population statistics only segments keep, so a segment accepts it and a trigger or a block refuses it at save,
/// naming the field and the rule, instead of saving a condition that could never be true.
/// </summary>
public sealed class SegmentOnlyRuleTests
{
    private const string Top = "computed totalRevenue in top 10 percent";

    [Fact]
    public async Task A_segment_accepts_top_percent_and_a_trigger_refuses_it_at_save_naming_the_path()
    {
        await using var app = await TriggerApp.StartAsync();
        using (var segment = await app.Admin.PostObjectAsync("/api/segments", new { name = "Top spenders", rule = Top }))
            await segment.ShouldBeAsync(HttpStatusCode.Created);

        var inStep = $$"""{"name": "Vip", "start": {"event": "Product Added"}, "steps": [{"if": "has tag \"x\" or not ({{Top}})"}, {"exit": "done"}]}""";
        using (var created = await app.Admin.PostRawAsync("/api/triggers", inStep))
            await created.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.steps[0].if", "'computed totalRevenue in top 10 percent' is evaluated only in segments");
        using (var validated = await app.Admin.PostRawAsync("/api/triggers/validate", inStep))
            await validated.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.steps[0].if", "use 'in segment \"NAME\"' here");
        var inStart = """{"name": "Vip", "start": {"event": "Product Added", "if": {"computed": "totalRevenue", "top": 5}}, "steps": [{"exit": "done"}]}""";
        using (var created = await app.Admin.PostRawAsync("/api/triggers", inStart))
            await created.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "$.start.if", "in top 5 percent' is evaluated only in segments");

        // Nothing refused was saved (names are unique), and the way around the error names works: the segment, by name.
        using var viaSegment = await app.Admin.PostRawAsync("/api/triggers",
            """{"name": "Vip", "start": {"event": "Product Added", "if": "in segment \"Top spenders\""}, "steps": [{"exit": "done"}]}""");
        await viaSegment.ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_block_refuses_top_percent_in_a_variant_condition_and_in_a_decision_tree()
    {
        await using var app = await TriggerApp.StartAsync();
        using (var variant = await app.Admin.PostObjectAsync("/api/blocks", new
               {
                   name = "hero", @default = new { body = "x" },
                   variants = new[] { new { name = "a", condition = "has tag \"a\"", body = "a" }, new { name = "vip", condition = Top, body = "vip" } },
               }))
            await variant.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "variants[1].condition", "is evaluated only in segments");
        using (var tree = await app.Admin.PostObjectAsync("/api/blocks", new
               {
                   name = "hero", @default = new { body = "x" }, variants = new[] { new { name = "vip", body = "vip" } },
                   tree = new { @if = "has tag \"a\"", then = new { variant = "default" }, @else = new { @if = Top, then = new { variant = "vip" }, @else = new { variant = "default" } } },
               }))
            await tree.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "tree.else.if", "'computed totalRevenue in top 10 percent' is evaluated only in segments");
        using var ok = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name = "hero", @default = new { body = "x" }, variants = new[] { new { name = "vip", condition = "in segment \"Top spenders\"", body = "vip" } },
        });
        Assert.True(ok.IsSuccessStatusCode, $"{(int)ok.StatusCode}");
    }
}
