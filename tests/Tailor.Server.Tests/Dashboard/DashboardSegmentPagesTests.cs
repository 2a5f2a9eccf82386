using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The segment pages beyond create: edit (with the builder read back from the text), delete (refused while another
/// segment refers to it), and the overlap matrix — each through the same operations as the API, checked through the API.
/// </summary>
public sealed class DashboardSegmentPagesTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> SegmentAsync(string name, string rule)
    {
        using var response = await app.Admin.PostObjectAsync("/api/segments", new { name, rule });
        await response.ShouldBeAsync(HttpStatusCode.Created);
        var id = (string)(await response.JsonAsync())["id"]!;
        await app.Admin.WaitForRecomputeAsync(id);
        return id;
    }

    private async Task<IReadOnlyList<string>> IdentifyAsync(string prefix, int count, object traits)
    {
        var users = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToArray();
        foreach (var userId in users) await app.Ingest.SendAsync("/v1/identify", new { userId, traits });
        return users;
    }

    /// <summary>Waits (bounded) until the API reports the segment at <paramref name="size"/> members: a recompute runs in the background.</summary>
    private async Task<JsonObject> SizeAsync(string id, long size)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var segment = await app.Admin.GetObjectAsync($"/api/segments/{id}");
            if ((long)segment["size"]! == size && (string?)segment["recompute"]?["state"] == "done") return segment;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"segment {id} did not reach {size} members: {segment.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task A_segment_is_edited_with_its_rule_shown_in_the_builder_and_its_members_recomputed()
    {
        var gold = TailorAppFixture.NewId("gold");
        var silver = TailorAppFixture.NewId("silver");
        await IdentifyAsync(gold, 2, new { plan = gold });
        await IdentifyAsync(silver, 3, new { plan = silver });
        await app.WaitForPipelineAsync();
        var name = TailorAppFixture.NewId("Editable");
        var id = await SegmentAsync(name, $"trait plan = \"{gold}\"");
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);

        // The stored rule in both forms: its text, and the builder's row read back from it.
        var edit = await browser.PageAsync($"/segments/{id}/edit");
        Assert.Contains($"trait plan = &quot;{gold}&quot;", edit, StringComparison.Ordinal);
        Assert.Contains($"data-conditions=\"{{&quot;join&quot;:&quot;and&quot;,&quot;conditions&quot;:[{{&quot;kind&quot;:&quot;trait&quot;,&quot;fields&quot;:{{&quot;name&quot;:&quot;plan&quot;,&quot;op&quot;:&quot;=&quot;,&quot;value&quot;:&quot;{gold}&quot;}}}}]}}\"", edit, StringComparison.Ordinal);

        var newName = TailorAppFixture.NewId("Edited");
        var rule = $"trait plan = \"{silver}\"";
        using var saved = await browser.PostFormAsync($"/segments/{id}/edit", "edit", [new("Name", newName), new("Rule", rule), new("Action", "save")]);
        Assert.Equal(HttpStatusCode.Found, saved.StatusCode);
        Assert.Equal($"/segments/{id}", saved.Headers.Location!.AbsolutePath);
        var segment = await SizeAsync(id, 3); // recomputed over every profile: the three silver ones, not the two gold ones
        Assert.Equal(newName, (string)segment["name"]!);
        Assert.Equal(rule, (string)segment["rule"]!);
        Assert.Contains("The changes were saved", await browser.PageAsync(saved.Headers.Location.PathAndQuery), StringComparison.Ordinal);

        using var broken = await browser.PostFormAsync($"/segments/{id}/edit", "edit", [new("Name", newName), new("Rule", "trait plan ="), new("Action", "save")]);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("line 1", await broken.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(rule, (string)(await app.Admin.GetObjectAsync($"/api/segments/{id}"))["rule"]!); // unchanged
        await browser.PageAsync("/segments/seg_missing/edit", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Loading_the_text_into_the_builder_shows_its_rows_or_says_why_it_cannot()
    {
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);
        var fits = "performed \"Order Completed\" at least 2 times in last 30 days or not performed \"Refund\" or has tag vip";
        using (var response = await browser.PostFormAsync("/segments/new", "segment", [new("Name", "x"), new("Rule", fits), new("Action", "builder")]))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.Contains("&quot;join&quot;:&quot;or&quot;", html, StringComparison.Ordinal);
            Assert.Contains("{&quot;kind&quot;:&quot;performed&quot;,&quot;fields&quot;:{&quot;event&quot;:&quot;Order Completed&quot;,&quot;times&quot;:&quot;2&quot;,&quot;days&quot;:&quot;30&quot;}}", html, StringComparison.Ordinal);
            Assert.Contains("{&quot;kind&quot;:&quot;notPerformed&quot;,&quot;fields&quot;:{&quot;event&quot;:&quot;Refund&quot;,&quot;days&quot;:&quot;&quot;}}", html, StringComparison.Ordinal);
            Assert.Contains("{&quot;kind&quot;:&quot;tag&quot;,&quot;fields&quot;:{&quot;name&quot;:&quot;vip&quot;}}", html, StringComparison.Ordinal);
            Assert.Contains("The builder shows the rule&#x27;s 3 conditions", html, StringComparison.Ordinal);
        }
        using (var response = await browser.PostFormAsync("/segments/new", "segment", [new("Name", "x"), new("Rule", "computed engagementScore >= 20 and has consent email"), new("Action", "builder")]))
        {
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.Contains("The builder cannot show this rule: it uses computed traits", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-conditions=", html, StringComparison.Ordinal);
            Assert.Contains("computed engagementScore &gt;= 20 and has consent email</textarea>", html, StringComparison.Ordinal); // the text is kept
        }
    }

    [Fact]
    public async Task Deleting_is_refused_while_another_segment_refers_to_it_and_then_deletes()
    {
        var name = TailorAppFixture.NewId("Base");
        var id = await SegmentAsync(name, "has consent email");
        var referrer = await SegmentAsync(TailorAppFixture.NewId("Referrer"), $"in segment \"{name}\"");
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);
        var page = await browser.PageAsync($"/segments/{id}");
        Assert.Contains("data-confirm=\"Delete the segment", page, StringComparison.Ordinal);

        using (var refused = await browser.PostFormAsync($"/segments/{id}", "delete", [new("Confirm", "delete")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("role=\"alert\"", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Equal(name, (string)(await app.Admin.GetObjectAsync($"/api/segments/{id}"))["name"]!); // still there

        using (var deleteReferrer = await browser.PostFormAsync($"/segments/{referrer}", "delete", [new("Confirm", "delete")]))
            Assert.Equal(HttpStatusCode.Found, deleteReferrer.StatusCode);
        using var deleted = await browser.PostFormAsync($"/segments/{id}", "delete", [new("Confirm", "delete")]);
        Assert.Equal(HttpStatusCode.Found, deleted.StatusCode);
        Assert.Equal("/segments", deleted.Headers.Location!.AbsolutePath);
        using var lookup = await app.Admin.GetAsync($"/api/segments/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        Assert.Contains($"The segment {name} was deleted", await browser.PageAsync(deleted.Headers.Location.PathAndQuery), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overlap_matrix_counts_members_in_common_pairwise_as_the_api_does()
    {
        // A = 4 profiles, B = 3 of which 2 are in A, C = 1 profile in neither: A∩B = 2, A∪B = 5, Jaccard 0.4.
        var run = TailorAppFixture.NewId("ov");
        await IdentifyAsync($"{run}-a", 2, new { ov_a = run });
        await IdentifyAsync($"{run}-ab", 2, new { ov_a = run, ov_b = run });
        await IdentifyAsync($"{run}-b", 1, new { ov_b = run });
        await IdentifyAsync($"{run}-c", 1, new { ov_c = run });
        await app.WaitForPipelineAsync();
        var names = new[] { $"A {run}", $"B {run}", $"C {run}" };
        await SegmentAsync(names[0], $"trait ov_a = \"{run}\"");
        await SegmentAsync(names[1], $"trait ov_b = \"{run}\"");
        await SegmentAsync(names[2], $"trait ov_c = \"{run}\"");
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);

        var html = await browser.PageAsync("/segments/overlap?" + string.Join("&", names.Select(n => "segments=" + Uri.EscapeDataString(n))));
        var cells = System.Text.RegularExpressions.Regex.Matches(html, "data-common=\"(\\d+)\" data-jaccard=\"([0-9.]+)\"").Select(m => (long.Parse(m.Groups[1].Value), m.Groups[2].Value)).ToArray();
        Assert.Equal([(4L, "1"), (2L, "0.4"), (0L, "0"), (2L, "0.4"), (3L, "1"), (0L, "0"), (0L, "0"), (0L, "0"), (1L, "1")], cells);

        var api = await app.Admin.GetObjectAsync("/api/segments/overlap/matrix?" + string.Join("&", names.Select(n => "segments=" + Uri.EscapeDataString(n))));
        Assert.Equal(2, (long)api["common"]![0]![1]!);
        Assert.Equal(0.4, (double)api["jaccard"]![1]![0]!);
        Assert.Equal([4L, 3L, 1L], api["sizes"]!.AsArray().Select(s => (long)s!));

        var tooMany = string.Join("&", Enumerable.Range(0, 13).Select(i => $"segments=s{i}"));
        Assert.Contains("must name between 2 and 12 segments", await browser.PageAsync($"/segments/overlap?{tooMany}", HttpStatusCode.BadRequest), StringComparison.Ordinal);
        using var apiTooMany = await app.Admin.GetAsync($"/api/segments/overlap/matrix?{tooMany}", Ct);
        await apiTooMany.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segments", "between 2 and 12");
        using var unknown = await app.Admin.GetAsync($"/api/segments/overlap/matrix?segments={Uri.EscapeDataString(names[0])}&segments=nope-{run}", Ct);
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segments[1]", "live segment");
    }
}
