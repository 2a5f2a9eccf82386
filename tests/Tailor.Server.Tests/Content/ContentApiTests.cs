using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Content;

/// <summary>Templates, blocks, placements and segment values through the admin API, on the shared app.</summary>
public sealed class ContentApiTests(TailorAppFixture app)
{
    private static string Name(string what) => TailorAppFixture.NewId(what);

    private async Task<(string ProfileId, string UserId)> ProfileWithUserIdAsync(object traits)
    {
        var userId = TailorAppFixture.NewId("ann");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits });
        await app.WaitForPipelineAsync();
        return ((await app.Admin.LookupAsync("userId", userId)).Id(), userId);
    }

    [Fact]
    public async Task A_template_is_saved_read_replaced_and_deleted()
    {
        var name = Name("welcome");
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name, body = "Hi {{ profile.first_name }}", subject = "Welcome" }))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            Assert.Equal($"/api/templates/{name}", created.Headers.Location!.OriginalString);
        }
        var path = $"/api/templates/{name}";
        Assert.Equal("Hi {{ profile.first_name }}", (string)(await app.Admin.GetObjectAsync(path))["body"]!);
        using (var again = await app.Admin.PostObjectAsync("/api/templates", new { name, body = "x" })) await again.ShouldBeAsync(HttpStatusCode.Conflict);

        using (var put = await app.Admin.PutObjectAsync(path, new { body = "Hello {{ profile.first_name }}" })) await put.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Hello {{ profile.first_name }}", (string)(await app.Admin.GetObjectAsync(path))["body"]!);
        Assert.Contains(name, (await app.Admin.GetArrayAsync("/api/templates")).Select(t => (string)t!["name"]!));

        using (var deleted = await app.Admin.DeleteAsync(path, TestContext.Current.CancellationToken)) await deleted.ShouldBeAsync(HttpStatusCode.NoContent);
        using var gone = await app.Admin.GetResponseAsync(path);
        await gone.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("Hello\n{% if profile.vip %}VIP", 2, "'{% endif %}' was expected")]
    [InlineData("Hi\n  {% frobnicate %}", 2, "Unknown tag 'frobnicate'")]
    public async Task An_invalid_template_is_refused_with_line_and_column_and_not_saved(string body, int line, string message)
    {
        var name = Name("broken");
        using var response = await app.Admin.PostObjectAsync("/api/templates", new { name, body });
        var error = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", message);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(line, (int)problem["line"]!);
        Assert.True((int)problem["column"]! > 0);
        Assert.Contains($"line {line}, column", (string)error["rule"]!, StringComparison.Ordinal);
        using var missing = await app.Admin.GetResponseAsync($"/api/templates/{name}");
        await missing.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_invalid_change_leaves_the_saved_template_as_it_was()
    {
        var name = Name("stable");
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name, body = "ok" })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var put = await app.Admin.PutObjectAsync($"/api/templates/{name}", new { body = "{% for %}" }))
            await put.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "must be valid Liquid");
        Assert.Equal("ok", (string)(await app.Admin.GetObjectAsync($"/api/templates/{name}"))["body"]!);
    }

    [Fact]
    public async Task Preview_renders_for_a_profile_and_reports_missing_variables_with_lines()
    {
        var (profileId, userId) = await ProfileWithUserIdAsync(new { first_name = "Ann", locale = "de-DE" });
        var name = Name("preview");
        var body = "Hallo {{ profile.first_name }}!\n{{ profile.traits.last_name }}\n{{ 1234.5 | money }} {{ profile.city | default: 'Berlin' }}";
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name, body, subject = "Für {{ profile.first_name }}" }))
            await created.ShouldBeAsync(HttpStatusCode.Created);

        using var response = await app.Admin.PostObjectAsync($"/api/templates/{name}/preview", new { profileId });
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var preview = await response.JsonAsync();
        Assert.Equal("Hallo Ann!\n\n1.234,50 € Berlin", (string)preview["output"]!);
        Assert.Equal("Für Ann", (string)preview["subject"]!);
        var missing = preview["missing"]!.AsArray().Select(m => ((string)m!["path"]!, (int)m["line"]!, (bool)m["hasDefault"]!)).ToArray();
        Assert.Equal([("profile.traits.last_name", 2, false), ("profile.city", 3, true)], missing);

        var byUserId = await app.Admin.PostObjectAsync($"/api/templates/{name}/preview", new { profileId = userId });
        Assert.Equal("Hallo Ann!\n\n1.234,50 € Berlin", (string)(await byUserId.JsonAsync())["output"]!);
        byUserId.Dispose();

        using var unknown = await app.Admin.PostObjectAsync($"/api/templates/{name}/preview", new { profileId = "prf_nobody" });
        await unknown.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Segment_values_reach_templates_as_user_segment()
    {
        var segment = Name("High-Value");
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = segment, rule = "trait tier = \"gold\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        using (var v = await app.Admin.PutObjectAsync($"/api/segment-values/{Uri.EscapeDataString(segment)}", new { priority = 5, values = new { discount = 25 } }))
            await v.ShouldBeAsync(HttpStatusCode.OK);
        var userId = TailorAppFixture.NewId("gold");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { tier = "gold" } });
        var profile = await app.Admin.WaitForSegmentsAsync(userId, names => names.Contains(segment));

        var name = Name("discount");
        using (var created = await app.Admin.PostObjectAsync("/api/templates", new { name, body = "{% if segments contains '" + segment + "' %}{{ user.segment.discount }}% off{% endif %}" }))
            await created.ShouldBeAsync(HttpStatusCode.Created);
        using var response = await app.Admin.PostObjectAsync($"/api/templates/{name}/preview", new { profileId = profile.Id() });
        Assert.Equal("25% off", (string)(await response.JsonAsync())["output"]!);

        using var bad = await app.Admin.PutObjectAsync("/api/segment-values/No%20Such%20Segment", new { values = new { discount = 1 } });
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segment", "must name an existing segment");
    }

    [Fact]
    public async Task A_micro_segment_below_its_minimum_size_gives_the_primary_segment_to_its_parent()
    {
        var tier = TailorAppFixture.NewId("tier");
        string parent = Name("Loyal"), child = Name("Loyal Big Spenders");
        using (var p = await app.Admin.PostObjectAsync("/api/segments", new { name = parent, rule = $"trait tier = \"{tier}\"" })) await p.ShouldBeAsync(HttpStatusCode.Created);
        string childId;
        using (var c = await app.Admin.PostObjectAsync("/api/segments", new { name = child, parent, rule = "trait spend > 100", minSize = 2 }))
        {
            await c.ShouldBeAsync(HttpStatusCode.Created);
            childId = (string)(await c.JsonAsync())["id"]!;
        }
        foreach (var (segment, priority, discount) in new[] { (parent, 1, 10), (child, 5, 30) })
            using (var v = await app.Admin.PutObjectAsync($"/api/segment-values/{Uri.EscapeDataString(segment)}", new { priority, values = new { discount } }))
                await v.ShouldBeAsync(HttpStatusCode.OK);
        var userId = TailorAppFixture.NewId("spender");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { tier, spend = 500 } });
        var profile = await app.Admin.WaitForSegmentsAsync(userId, names => names.Contains(child));
        var name = Name("micro");
        using (var t = await app.Admin.PostObjectAsync("/api/templates", new { name, body = "{{ user.segment.name }}:{{ user.segment.discount }}" })) await t.ShouldBeAsync(HttpStatusCode.Created);

        async Task<string> PreviewAsync()
        {
            using var r = await app.Admin.PostObjectAsync($"/api/templates/{name}/preview", new { profileId = profile.Id() });
            return (string)(await r.JsonAsync())["output"]!;
        }
        Assert.Equal($"{parent}:10", await PreviewAsync()); // one member, minimum two: too small
        using (var m = await app.Admin.PutObjectAsync($"/api/segments/{childId}", new { minSize = 1 })) await m.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal($"{child}:30", await PreviewAsync());
    }

    [Fact]
    public async Task Invalid_blocks_name_the_field_and_rule()
    {
        async Task Expect(object block, string field, string rule)
        {
            using var response = await app.Admin.PostObjectAsync("/api/blocks", block);
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field, rule);
        }
        await Expect(new { name = Name("b"), variants = Array.Empty<object>() }, "default.body", "is required");
        await Expect(new { name = Name("b"), @default = new { body = "x" }, variants = new[] { new { name = "v", body = "y" } } }, "variants[0].condition", "is required unless");
        await Expect(new { name = Name("b"), @default = new { body = "x" }, variants = new[] { new { name = "v", condition = "trait plan = ", body = "y" } } }, "variants[0].condition", "expected a value");
        await Expect(new { name = Name("b"), @default = new { body = "x" }, variants = new[] { new { name = "v", condition = "has tag \"a\"", body = "{% if %}" } } }, "variants[0].body", "must be valid Liquid");
        await Expect(new { name = Name("b"), @default = new { body = "x" }, tree = new { variant = "nope" } }, "tree.variant", "must name a variant");
    }

    [Fact]
    public async Task A_placement_must_name_an_existing_block_or_template()
    {
        using var neither = await app.Admin.PostObjectAsync("/api/placements", new { name = Name("p") });
        await neither.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "block", "exactly one of");
        using var missing = await app.Admin.PostObjectAsync("/api/placements", new { name = Name("p"), block = "does-not-exist" });
        await missing.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "block", "must name an existing block");
    }
}
