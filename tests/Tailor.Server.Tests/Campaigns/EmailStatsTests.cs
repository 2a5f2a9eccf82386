using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Campaigns;

/// <summary>
/// Per-trigger and per-campaign email counts through the real HTTP paths: emails sent to the SMTP sink, their open
/// pixel, click and unsubscribe links followed over HTTP as a mail client would, conversions sent to ingestion, then
/// <c>GET /api/triggers/{id}/stats</c> and <c>GET /api/campaigns/{id}/stats</c>.
/// </summary>
public sealed partial class EmailStatsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("""<img src="(?<url>[^"]+/e/o/[^"]+)" """)]
    private static partial Regex Pixel();

    [GeneratedRegex("href=\"(?<url>[^\"]+/e/c/[^\"]+)\"")]
    private static partial Regex Click();

    [GeneratedRegex("href=\"(?<url>[^\"]+/e/u/[^\"]+)\"")]
    private static partial Regex Unsubscribe();

    /// <summary>A mail client: it fetches images and follows a link once, without following the redirect to the shop.</summary>
    private static readonly HttpClient Client = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static async Task GetAsync(string url, HttpStatusCode expected)
    {
        using var response = await Client.GetAsync(WebUtility.HtmlDecode(url), Ct);
        Assert.Equal(expected, response.StatusCode);
    }

    private static string Link(Regex pattern, string html) => pattern.Match(html).Groups["url"].Value is { Length: > 0 } url ? url : throw new InvalidOperationException($"no link in {html}");

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the origin is read from the payload JSON, which the two dialects spell differently
    public async Task A_triggers_stats_count_deliveries_opens_clicks_unsubscribes_and_conversions_within_the_window(bool postgres)
    {
        await using var app = await TriggerApp.StartAsync(smtp: true, postgres: postgres);
        using (var saved = await app.Admin.PostObjectAsync("/api/templates", new { name = "welcome", subject = "Hi", body = """<p>Hi!</p><p><a href="https://shop.example/new">New in</a></p>""" }))
            await saved.ShouldBeAsync(HttpStatusCode.Created);
        var trigger = await app.CreateTriggerAsync("""{"name": "Welcome", "start": {"event": "Signed Up"}, "steps": [{"action": {"email": {"template": "welcome"}}}]}""");
        var people = new[] { "ann", "bob", "cat" }.Select(n => (User: n, To: SmtpSink.NewRecipient(n))).ToArray();
        foreach (var (user, to) in people)
        {
            await app.IdentifyAsync(user, to, "email");
            await app.TrackAsync(user, "Signed Up", app.Now);
        }
        await app.IdentifyAsync("dan", SmtpSink.NewRecipient("dan")); // never sent to: his order is no conversion
        var html = new Dictionary<string, string>();
        foreach (var (user, to) in people) html[user] = Assert.Single(await SmtpSink.WaitForAsync(to, timeout: TimeSpan.FromSeconds(60))).HtmlBody!;

        await GetAsync(Link(Pixel(), html["ann"]), HttpStatusCode.OK);
        await GetAsync(Link(Pixel(), html["ann"]), HttpStatusCode.OK);
        await GetAsync(Link(Click(), html["ann"]), HttpStatusCode.Redirect);
        await GetAsync(Link(Pixel(), html["bob"]), HttpStatusCode.OK);
        using (var unsubscribed = await Client.PostAsync(WebUtility.HtmlDecode(Link(Unsubscribe(), html["cat"])), null, Ct))
            Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        await app.AdvanceAsync(TimeSpan.FromDays(1));
        await app.TrackAsync("ann", "Order Completed", app.Now);   // a day after her email: within 7 days
        await app.TrackAsync("dan", "Order Completed", app.Now);
        await app.AdvanceAsync(TimeSpan.FromDays(9));
        await app.TrackAsync("bob", "Order Completed", app.Now);   // ten days after: within 30 days, not 7
        await app.TrackAsync("bob", "Order Completed", app.Now);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        var stats = await app.Admin.GetObjectAsync($"/api/triggers/{trigger}/stats");
        Assert.Equal(3, (long)stats["deliveries"]!["sent"]!); // the counts it had before are kept
        var email = stats["email"]!;
        Assert.Equal($"trigger:{trigger}", (string)email["origin"]!);
        Assert.Equal(3, (long)email["delivered"]!);
        Assert.Equal((2, 3), ((long)email["opened"]!["unique"]!, (long)email["opened"]!["total"]!));
        Assert.Equal((1, 1), ((long)email["clicked"]!["unique"]!, (long)email["clicked"]!["total"]!));
        Assert.Equal(1, (long)email["unsubscribed"]!);
        Assert.Equal(("Order Completed", "7d", 1L, 1L), Converted(email));

        var month = (await app.Admin.GetObjectAsync($"/api/triggers/Welcome/stats?window=30d"))["email"]!;
        Assert.Equal(("Order Completed", "30d", 2L, 3L), Converted(month));
        var signups = (await app.Admin.GetObjectAsync($"/api/triggers/{trigger}/stats?conversion=Signed%20Up"))["email"]!;
        Assert.Equal(0, Converted(signups).Unique); // each sign-up came before its email

        using var bad = await app.Admin.GetResponseAsync($"/api/triggers/{trigger}/stats?window=400d");
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "window", "at most 365d");
        using var missing = await app.Admin.GetResponseAsync("/api/triggers/trg_none/stats");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static (string Event, string Window, long Unique, long Total) Converted(JsonNode email)
    {
        var c = email["converted"]!;
        return ((string)c["event"]!, (string)c["window"]!, (long)c["unique"]!, (long)c["total"]!);
    }

    [Fact]
    public async Task A_campaigns_stats_count_its_recipients_engagement_and_conversions_after_the_send()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        using (var segment = await app.Admin.PostObjectAsync("/api/segments", new { name = "Spring list", rule = "trait cohort = \"spring\"" }))
            await segment.ShouldBeAsync(HttpStatusCode.Created);
        using (var saved = await app.Admin.PostObjectAsync("/api/templates", new { name = "spring", subject = "Spring", body = """<p><a href="https://shop.example/spring">Spring</a></p>""" }))
            await saved.ShouldBeAsync(HttpStatusCode.Created);
        var ann = SmtpSink.NewRecipient("spring-ann");
        var bob = SmtpSink.NewRecipient("spring-bob");
        foreach (var (user, to) in new[] { ("s-ann", ann), ("s-bob", bob) })
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, timestamp = Http.Iso(app.Now), traits = new { email = to, cohort = "spring", consent = new { email = true } } });
        await app.TrackAsync("s-bob", "Order Completed", app.Now); // before the campaign: no conversion
        await app.Admin.WaitForSegmentsAsync("s-ann", names => names.Contains("Spring list"));
        await app.Admin.WaitForSegmentsAsync("s-bob", names => names.Contains("Spring list"));
        JsonObject created;
        using (var c = await app.Admin.PostObjectAsync("/api/campaigns", new { name = "Spring", template = "spring", segment = "Spring list" }))
        {
            await c.ShouldBeAsync(HttpStatusCode.Created);
            created = await c.JsonAsync();
        }
        var id = (string)created["id"]!;
        await app.AdvanceAsync(TimeSpan.FromMinutes(1));
        using (var send = await app.Admin.PostObjectAsync($"/api/campaigns/{id}/send", new { })) await send.ShouldBeAsync(HttpStatusCode.Accepted);
        var annMail = Assert.Single(await SmtpSink.WaitForAsync(ann, timeout: TimeSpan.FromSeconds(60))).HtmlBody!;
        Assert.Single(await SmtpSink.WaitForAsync(bob, timeout: TimeSpan.FromSeconds(60)));

        await GetAsync(Link(Click(), annMail), HttpStatusCode.Redirect);
        await GetAsync(Link(Click(), annMail), HttpStatusCode.Redirect);
        await GetAsync(Link(Pixel(), annMail), HttpStatusCode.OK);
        await app.AdvanceAsync(TimeSpan.FromHours(2));
        await app.TrackAsync("s-ann", "Order Completed", app.Now);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        var stats = await app.Admin.GetObjectAsync($"/api/campaigns/{id}/stats");
        Assert.Equal(2, (long)stats["delivered"]!);
        Assert.Equal((1, 1), ((long)stats["opened"]!["unique"]!, (long)stats["opened"]!["total"]!));
        Assert.Equal((1, 2), ((long)stats["clicked"]!["unique"]!, (long)stats["clicked"]!["total"]!));
        Assert.Equal(0, (long)stats["unsubscribed"]!);
        Assert.Equal(("Order Completed", "7d", 1L, 1L), Converted(stats));
        using var missing = await app.Admin.GetResponseAsync("/api/campaigns/cmp_none/stats");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
