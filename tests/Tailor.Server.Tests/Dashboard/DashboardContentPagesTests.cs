using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The content pages for blocks (variants, decision tree, preview as a profile, edit as JSON) and placements (list,
/// detail, change what they show) — through the same operations as <c>/api/blocks</c> and <c>/api/placements</c>,
/// checked through the API.
/// </summary>
public sealed class DashboardContentPagesTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_block_shows_its_variants_and_decision_tree_previews_as_a_profile_and_is_edited_as_json()
    {
        var run = TailorAppFixture.NewId("blk");
        var userId = $"{run}-gold";
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { plan = "gold", first_name = "Gil" } });
        await app.WaitForPipelineAsync();
        var name = $"offer-{run}";
        using (var created = await app.Admin.PostObjectAsync("/api/blocks", new
        {
            name,
            variants = new object[] { new { name = "vip", body = "<p>VIP {{ profile.traits.first_name }}</p>" }, new { name = "plain", body = "<p>Plain</p>" } },
            @default = new { body = "<p>Hello</p>" },
            tree = new { @if = "trait plan = \"gold\"", then = new { variant = "vip" }, @else = new { variant = "default" } },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);

        var list = await browser.PageAsync("/content/blocks");
        Assert.Contains($"href=\"/content/blocks/{Uri.EscapeDataString(name)}\"", list, StringComparison.Ordinal);
        Assert.Contains("decision tree", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/content/blocks\"", await browser.PageAsync("/content"), StringComparison.Ordinal);

        var page = await browser.PageAsync($"/content/blocks/{Uri.EscapeDataString(name)}?profile={Uri.EscapeDataString(userId)}");
        Assert.Contains("<span>if <code>trait plan = &quot;gold&quot;</code></span>", page, StringComparison.Ordinal);
        Assert.Contains("<strong data-leaf>vip</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<strong data-leaf>default</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<td>plain</td>", page, StringComparison.Ordinal);
        Assert.Contains("Variant <strong>vip</strong>", page, StringComparison.Ordinal); // the tree chose it for the gold profile
        Assert.Contains("VIP Gil", page, StringComparison.Ordinal);
        Assert.Contains("Variant <strong>default</strong>", await browser.PageAsync($"/content/blocks/{Uri.EscapeDataString(name)}"), StringComparison.Ordinal);

        var json = """{"variants":[{"name":"vip","body":"<p>Gold</p>"}],"default":{"body":"<p>Welcome</p>"},"tree":{"if":"trait plan = \"gold\"","then":{"variant":"vip"},"else":{"variant":"default"}}}""";
        using (var saved = await browser.PostFormAsync($"/content/blocks/{Uri.EscapeDataString(name)}", "block", [new("Json", json)]))
            Assert.Equal(HttpStatusCode.Found, saved.StatusCode);
        var stored = await app.Admin.GetObjectAsync($"/api/blocks/{Uri.EscapeDataString(name)}");
        Assert.Equal("<p>Welcome</p>", (string)stored["default"]!["body"]!);
        Assert.Single(stored["variants"]!.AsArray());

        using (var broken = await browser.PostFormAsync($"/content/blocks/{Uri.EscapeDataString(name)}", "block", [new("Json", "{\"default\":")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            Assert.Contains("must be a block as JSON", await broken.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        var unknownLeaf = json.Replace("\"then\":{\"variant\":\"vip\"}", "\"then\":{\"variant\":\"nope\"}", StringComparison.Ordinal);
        using (var refused = await browser.PostFormAsync($"/content/blocks/{Uri.EscapeDataString(name)}", "block", [new("Json", unknownLeaf)]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("tree.then.variant", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal); // the operation's own field and rule
        }
        Assert.Equal("<p>Welcome</p>", (string)(await app.Admin.GetObjectAsync($"/api/blocks/{Uri.EscapeDataString(name)}"))["default"]!["body"]!);
        await browser.PageAsync("/content/blocks/no-such-block", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_placement_is_listed_shown_and_changed_to_another_existing_block_or_template()
    {
        var run = TailorAppFixture.NewId("plc");
        using (var block = await app.Admin.PostObjectAsync("/api/blocks", new { name = $"b-{run}", @default = new { body = "<p>B</p>" } }))
            await block.ShouldBeAsync(HttpStatusCode.Created);
        using (var template = await app.Admin.PostObjectAsync("/api/templates", new { name = $"t-{run}", body = "<p>T</p>" }))
            await template.ShouldBeAsync(HttpStatusCode.Created);
        var name = $"hero-{run}";
        using (var placement = await app.Admin.PostObjectAsync("/api/placements", new { name, block = $"b-{run}", description = "Home page hero" }))
            await placement.ShouldBeAsync(HttpStatusCode.Created);
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);

        var list = await browser.PageAsync("/content/placements");
        Assert.Contains($"href=\"/content/placements/{Uri.EscapeDataString(name)}\"", list, StringComparison.Ordinal);
        Assert.Contains($"block <a href=\"/content/blocks/{Uri.EscapeDataString($"b-{run}")}\">b-{run}</a>", list, StringComparison.Ordinal);
        Assert.Contains("Home page hero", await browser.PageAsync($"/content/placements/{Uri.EscapeDataString(name)}"), StringComparison.Ordinal);

        using (var changed = await browser.PostFormAsync($"/content/placements/{Uri.EscapeDataString(name)}", "placement",
                   [new("Kind", "template"), new("Shows", $"t-{run}"), new("Description", "Now a template")]))
            Assert.Equal(HttpStatusCode.Found, changed.StatusCode);
        var stored = await app.Admin.GetObjectAsync($"/api/placements/{Uri.EscapeDataString(name)}");
        Assert.Equal($"t-{run}", (string)stored["template"]!);
        Assert.Null(stored["block"]);
        Assert.Equal("Now a template", (string)stored["description"]!);

        using (var refused = await browser.PostFormAsync($"/content/placements/{Uri.EscapeDataString(name)}", "placement",
                   [new("Kind", "block"), new("Shows", $"missing-{run}"), new("Description", "")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("must name an existing block", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Equal($"t-{run}", (string)(await app.Admin.GetObjectAsync($"/api/placements/{Uri.EscapeDataString(name)}"))["template"]!);
    }
}
