using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// Starting a campaign from the dashboard (review, then confirm) through the same operation as the API, sending to the
/// real SMTP sink; and the profile page's sends: each campaign's status for that person with the opens and clicks
/// they made through the email's own tracking links.
/// </summary>
public sealed partial class DashboardCampaignPagesTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("""<img src="(?<url>[^"]+/e/o/[^"]+)" """)]
    private static partial Regex Pixel();

    [GeneratedRegex("href=\"(?<url>[^\"]+/e/c/[^\"]+)\"")]
    private static partial Regex Click();

    [Fact]
    public async Task A_campaign_is_started_after_a_confirmation_and_the_profile_page_lists_what_was_sent_with_opens_and_clicks()
    {
        if (Environment.GetEnvironmentVariable(SmtpSink.AddressVariable) is not { Length: > 0 })
            Assert.Skip("Sending needs the SMTP sink (TAILOR_TEST_SMTP, started by scripts/test.sh).");
        var cohort = TailorAppFixture.NewId("cohort");
        var segment = TailorAppFixture.NewId("Dashboard Audience");
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = segment, rule = $"trait cohort = \"{cohort}\"" }))
            await s.ShouldBeAsync(HttpStatusCode.Created);
        var people = new[] { ("Ann", true), ("Bob", false) }.Select(p => (UserId: TailorAppFixture.NewId("user"), Email: SmtpSink.NewRecipient(p.Item1.ToLowerInvariant()), p.Item1, Consent: p.Item2)).ToArray();
        foreach (var p in people)
            await app.Ingest.SendAsync("/v1/identify", new { userId = p.UserId, traits = new { first_name = p.Item3, email = p.Email, cohort, consent = new { email = p.Consent } } });
        foreach (var p in people) await app.Admin.WaitForSegmentsAsync(p.UserId, names => names.Contains(segment));
        var template = TailorAppFixture.NewId("email");
        using (var t = await app.Admin.PostObjectAsync("/api/templates", new { name = template, subject = "Hi {{ profile.traits.first_name }}", body = """<p>Hi!</p><p><a href="https://shop.example/new">New in</a></p>""" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);
        using var created = await app.Admin.PostObjectAsync("/api/campaigns", new { name = TailorAppFixture.NewId("Spring"), template, segment });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var id = (string)(await created.JsonAsync())["id"]!;
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);

        Assert.Contains("Send campaign…", await browser.PageAsync($"/campaigns/{id}"), StringComparison.Ordinal);
        using (var review = await browser.PostFormAsync($"/campaigns/{id}", "start", [new("Step", "review")]))
        {
            Assert.Equal(HttpStatusCode.OK, review.StatusCode);
            var html = await review.Content.ReadAsStringAsync(Ct);
            Assert.Contains($"now to the 2 current members of {segment}?", html, StringComparison.Ordinal);
            Assert.Contains("Yes, send to 2 profiles", html, StringComparison.Ordinal);
        }
        Assert.Equal("draft", (string)(await app.Admin.GetObjectAsync($"/api/campaigns/{id}"))["status"]!); // nothing sent before the confirmation

        using (var confirmed = await browser.PostFormAsync($"/campaigns/{id}", "start", [new("Step", "send")]))
        {
            Assert.Equal(HttpStatusCode.Found, confirmed.StatusCode);
            Assert.Equal($"/campaigns/{id}?started=true", confirmed.Headers.Location!.PathAndQuery);
        }
        var campaign = await CompletedAsync(id);
        Assert.Equal((2L, 1L, 1L), ((long)campaign["counts"]!["audience"]!, (long)campaign["counts"]!["sent"]!, (long)campaign["counts"]!["suppressedByConsent"]!));
        var mail = Assert.Single(await SmtpSink.WaitForAsync(people[0].Email));
        Assert.Equal("Hi Ann", mail.Subject);
        using (var again = await browser.PostFormAsync($"/campaigns/{id}", "start", [new("Step", "send")]))
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // completed: the start form is gone and a post to it is refused
        Assert.Equal("completed", (string)(await app.Admin.GetObjectAsync($"/api/campaigns/{id}"))["status"]!);
        Assert.DoesNotContain("Send campaign…", await browser.PageAsync($"/campaigns/{id}"), StringComparison.Ordinal);

        // Ann opens the email twice and clicks once, as a mail client would: the real tracking links.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var url in new[] { Pixel().Match(mail.HtmlBody!).Groups["url"].Value, Pixel().Match(mail.HtmlBody!).Groups["url"].Value, Click().Match(mail.HtmlBody!).Groups["url"].Value })
            using (var followed = await client.GetAsync(WebUtility.HtmlDecode(url), Ct)) Assert.True(followed.IsSuccessStatusCode || followed.StatusCode == HttpStatusCode.Redirect);
        await app.WaitForPipelineAsync();

        var ann = await app.Admin.LookupAsync("userId", people[0].UserId);
        var annPage = await browser.PageAsync($"/profiles/{ann.Id()}");
        var row = Regex.Match(annPage, $"<a href=\"/campaigns/{id}\">[^<]+</a></td>\\s*<td><span class=\"status-good\">sent</span>.*?<td class=\"num\">(\\d+)</td>\\s*<td class=\"num\">(\\d+)</td>", RegexOptions.Singleline);
        Assert.True(row.Success, annPage);
        Assert.Equal(("2", "1"), (row.Groups[1].Value, row.Groups[2].Value));

        var bob = await app.Admin.LookupAsync("userId", people[1].UserId);
        var bobPage = await browser.PageAsync($"/profiles/{bob.Id()}");
        Assert.Matches($"<a href=\"/campaigns/{id}\">[^<]+</a></td>\\s*<td><span class=\"status-warn\">suppressed_consent</span>", bobPage);

        // A key without the send scope reads the profile but not its sends.
        using var keyResponse = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = TailorAppFixture.NewId("reader"), scopes = new[] { "profiles:read" } });
        await keyResponse.ShouldBeAsync(HttpStatusCode.Created);
        using var reader = await DashboardClient.SignedInAsync(app, (string)(await keyResponse.JsonAsync())["key"]!);
        var limited = await reader.PageAsync($"/profiles/{ann.Id()}");
        Assert.Contains("Campaign sends need the <code>send</code> scope", limited, StringComparison.Ordinal);
        Assert.DoesNotContain($"/campaigns/{id}", limited, StringComparison.Ordinal);
    }

    private async Task<JsonObject> CompletedAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var campaign = await app.Admin.GetObjectAsync($"/api/campaigns/{id}");
            if ((string)campaign["status"]! == "completed") return campaign;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"campaign {id} did not complete: {campaign.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }
}
