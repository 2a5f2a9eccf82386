using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Segments;

/// <summary>The segments API on the shared app: rules in both forms, errors, members, preview, explain, overlap, stream.</summary>
public sealed class SegmentsApiTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An event name of this test's own, so the shared app's other segments and events do not interfere.</summary>
    private static string EventName(string what) => $"{what} {Guid.NewGuid():N}";

    private async Task<JsonObject> CreateAsync(object body)
    {
        using var response = await app.Admin.PostObjectAsync("/api/segments", body);
        await response.ShouldBeAsync(HttpStatusCode.Created);
        var created = await response.JsonAsync();
        return await app.Admin.WaitForRecomputeAsync((string)created["id"]!);
    }

    private Task SendAsync(string userId, string eventName, int times, object? properties = null) =>
        app.Ingest.SendAsync("/v1/batch", new
        {
            batch = Enumerable.Range(0, times).Select(_ => new { type = "track", @event = eventName, userId, properties }).ToArray(),
        });

    [Fact]
    public async Task A_segment_created_from_text_keeps_members_current_and_the_profile_lists_it()
    {
        var viewed = EventName("Viewed");
        var name = TailorAppFixture.NewId("Fans");
        var segment = await CreateAsync(new { name, rule = $"performed \"{viewed}\" at least 2 times" });
        var userId = TailorAppFixture.NewId("fan");

        await SendAsync(userId, viewed, 1);
        await app.WaitForPipelineAsync();
        Assert.DoesNotContain(name, (await app.Admin.LookupAsync("userId", userId))["segments"]!.AsArray().Select(s => (string)s!));
        await SendAsync(userId, viewed, 1);
        var profile = await app.Admin.WaitForSegmentsAsync(userId, names => names.Contains(name));

        var members = await app.Admin.GetObjectAsync($"/api/segments/{segment["id"]}/members");
        Assert.Equal([profile.Id()], members["members"]!.AsArray().Select(m => (string)m!["profileId"]!));
        var view = await app.Admin.GetObjectAsync($"/api/segments/{Uri.EscapeDataString(name)}");
        Assert.Equal(1, (long)view["size"]!);
        Assert.True((bool)view["tooSmall"]!);
        var history = await app.Admin.GetObjectAsync($"/api/profiles/{profile.Id()}/segments");
        Assert.Contains(name, history["segments"]!.AsArray().Select(s => (string)s!));
        Assert.Contains(history["history"]!.AsArray(), h => (string)h!["segmentId"]! == (string)segment["id"]! && (bool)h["entered"]!);
    }

    [Fact]
    public async Task A_rule_given_as_json_is_stored_and_shown_in_both_forms()
    {
        var ordered = EventName("Ordered");
        var segment = await CreateAsync(new
        {
            name = TailorAppFixture.NewId("Json"),
            ruleJson = new { and = new object[] { new { performed = ordered, window = new { last = "30d" } }, new { trait = "plan", op = "=", value = "pro" } } },
        });

        Assert.Equal($"performed \"{ordered}\" in last 30 days and trait plan = \"pro\"", (string)segment["rule"]!);
        Assert.Equal("30d", (string)segment["ruleJson"]!["and"]![0]!["window"]!["last"]!);
    }

    [Fact]
    public async Task An_invalid_text_rule_is_refused_with_line_and_column_and_nothing_is_saved()
    {
        var name = TailorAppFixture.NewId("Broken");
        using var response = await app.Admin.PostObjectAsync("/api/segments", new { name, rule = "performed \"A\"\n  and trait plan = " });

        var error = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rule", "line 2");
        Assert.Contains("expected a value", (string)error["rule"]!, StringComparison.Ordinal);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(2, (int)problem["line"]!);
        Assert.True((int)problem["column"]! > 1);
        var all = await app.Admin.GetArrayAsync("/api/segments");
        Assert.DoesNotContain(all, s => (string)s!["name"]! == name);
    }

    [Fact]
    public async Task An_invalid_json_rule_names_the_json_path()
    {
        using var response = await app.Admin.PostObjectAsync("/api/segments", new
        {
            name = TailorAppFixture.NewId("BrokenJson"),
            ruleJson = new { and = new object[] { new { trait = "plan", op = "~", value = "x" } } },
        });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "ruleJson.and[0].op", "must be one of");
    }

    [Fact]
    public async Task A_rule_naming_an_unknown_segment_or_a_duplicate_name_is_refused()
    {
        var name = TailorAppFixture.NewId("Unique");
        await CreateAsync(new { name, rule = "has consent email" });

        using var unknown = await app.Admin.PostObjectAsync("/api/segments", new { name = TailorAppFixture.NewId("Ref"), rule = "in segment \"No Such Segment\"" });
        using var duplicate = await app.Admin.PostObjectAsync("/api/segments", new { name, rule = "has consent sms" });

        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rule", "does not exist");
        await duplicate.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "must be unique");
    }

    [Fact]
    public async Task Preview_explain_recompute_overlap_and_delete()
    {
        var bought = EventName("Bought");
        var buyer = TailorAppFixture.NewId("buyer");
        var browser = TailorAppFixture.NewId("browser");
        await SendAsync(buyer, bought, 1, new { revenue = 120 });
        await app.Ingest.SendAsync("/v1/track", new { userId = browser, @event = "Browsed" });
        await app.WaitForPipelineAsync();
        var rule = $"performed \"{bought}\" sum of revenue >= 100";

        using var previewResponse = await app.Admin.PostObjectAsync("/api/segments/preview", new { rule });
        await previewResponse.ShouldBeAsync(HttpStatusCode.OK);
        var preview = await previewResponse.JsonAsync();
        Assert.Equal(1, (long)preview["estimate"]!);
        var buyerId = (await app.Admin.LookupAsync("userId", buyer)).Id();
        Assert.Equal([buyerId], preview["sampleMembers"]!.AsArray().Select(m => (string)m!));

        var first = await CreateAsync(new { name = TailorAppFixture.NewId("BigBuyers"), rule });
        var twin = await CreateAsync(new { name = TailorAppFixture.NewId("BigBuyersTwin"), rule = $"performed \"{bought}\" with revenue >= 100" });
        Assert.Equal(1, (long)first["size"]!);

        var browserId = (await app.Admin.LookupAsync("userId", browser)).Id();
        var explanation = await app.Admin.GetObjectAsync($"/api/segments/{first["id"]}/explain?profileId={browserId}");
        Assert.False((bool)explanation["matched"]!);
        Assert.Contains("sum of revenue is 0", (string)explanation["detail"]!, StringComparison.Ordinal);

        using var recompute = await app.Admin.PostAsync($"/api/segments/{first["id"]}/recompute", null, Ct);
        await recompute.ShouldBeAsync(HttpStatusCode.OK);
        var result = await recompute.JsonAsync();
        Assert.Equal("done", (string)result["state"]!);
        Assert.Equal(0, (long)result["entered"]! + (long)result["exited"]!); // already current

        var overlap = await app.Admin.GetArrayAsync("/api/segments/overlap");
        var pair = overlap.Single(o => new[] { (string)o!["first"]!, (string)o["second"]! }.Order().SequenceEqual(new[] { (string)first["name"]!, (string)twin["name"]! }.Order()));
        Assert.Equal(1.0, (double)pair!["jaccard"]!);
        Assert.True((bool)pair["nearDuplicate"]!);

        using var deleted = await app.Admin.DeleteAsync($"/api/segments/{twin["id"]}", Ct);
        await deleted.ShouldBeAsync(HttpStatusCode.NoContent);
        using var gone = await app.Admin.GetResponseAsync($"/api/segments/{twin["id"]}");
        await gone.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_segment_a_trigger_starts_on_is_not_deleted_and_the_problem_names_the_trigger()
    {
        var name = TailorAppFixture.NewId("Watched");
        var segment = await CreateAsync(new { name, rule = "has consent email" });
        var trigger = TailorAppFixture.NewId("OnWatched");
        using var created = await app.Admin.PostRawAsync("/api/triggers", $$"""{"name": "{{trigger}}", "start": {"segment": "{{name}}"}, "steps": [{"wait": "1m"}]}""");
        await created.ShouldBeAsync(HttpStatusCode.Created);

        using var refused = await app.Admin.DeleteAsync($"/api/segments/{segment["id"]}", Ct);

        await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segment", $"triggers {trigger}");
        using var still = await app.Admin.GetResponseAsync($"/api/segments/{segment["id"]}");
        await still.ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_stream_sends_entries_as_server_sent_events()
    {
        var clicked = EventName("Clicked");
        var name = TailorAppFixture.NewId("Clickers");
        await CreateAsync(new { name, rule = $"performed \"{clicked}\"" });
        var userId = TailorAppFixture.NewId("clicker");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/segments/stream?segment={Uri.EscapeDataString(name)}");
        using var response = await app.Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("event: subscribed", await reader.ReadLineAsync(Ct));
        await reader.ReadLineAsync(Ct); // its data
        await reader.ReadLineAsync(Ct); // the blank line that ends it
        await SendAsync(userId, clicked, 1);
        var profileId = (await app.Admin.WaitForSegmentsAsync(userId, names => names.Contains(name))).Id();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var eventLine = await reader.ReadLineAsync(timeout.Token);
        var dataLine = await reader.ReadLineAsync(timeout.Token);
        Assert.Equal("event: entered", eventLine);
        var data = JsonNode.Parse(dataLine!["data: ".Length..])!;
        Assert.Equal(name, (string)data["segment"]!);
        Assert.Equal(profileId, (string)data["profileId"]!);
    }
}
