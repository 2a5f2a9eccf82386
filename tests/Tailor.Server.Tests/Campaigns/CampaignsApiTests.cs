using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MimeKit;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Campaigns;

/// <summary>Campaigns on the shared app, sending to the real SMTP sink and reading back what arrived.</summary>
public sealed partial class CampaignsApiTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Person(string UserId, string Email);

    /// <summary>A segment of its own (by a cohort trait) with the given people in it.</summary>
    private async Task<(string Segment, Person[] People)> AudienceAsync(params (string FirstName, bool? EmailConsent)[] people)
    {
        var cohort = TailorAppFixture.NewId("cohort");
        var segment = TailorAppFixture.NewId("Campaign Audience");
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = segment, rule = $"trait cohort = \"{cohort}\"" }))
            await s.ShouldBeAsync(HttpStatusCode.Created);
        var result = new List<Person>();
        foreach (var (firstName, consent) in people)
        {
            var person = new Person(TailorAppFixture.NewId("user"), SmtpSink.NewRecipient(firstName.ToLowerInvariant()));
            object traits = consent is { } c
                ? new { first_name = firstName, email = person.Email, cohort, consent = new { email = c } }
                : new { first_name = firstName, email = person.Email, cohort };
            await app.Ingest.SendAsync("/v1/identify", new { userId = person.UserId, traits });
            result.Add(person);
        }
        foreach (var p in result) await app.Admin.WaitForSegmentsAsync(p.UserId, names => names.Contains(segment));
        return (segment, result.ToArray());
    }

    private async Task<string> TemplateAsync(string body, string? subject = null)
    {
        var name = TailorAppFixture.NewId("email");
        using var response = await app.Admin.PostObjectAsync("/api/templates", new { name, body, subject });
        await response.ShouldBeAsync(HttpStatusCode.Created);
        return name;
    }

    private async Task<JsonObject> CampaignAsync(string template, string segment, object? frequencyCaps = null)
    {
        using var response = await app.Admin.PostObjectAsync("/api/campaigns", new { name = TailorAppFixture.NewId("Spring"), template, segment, frequencyCaps });
        await response.ShouldBeAsync(HttpStatusCode.Created);
        return await response.JsonAsync();
    }

    private async Task<JsonObject> SendAndWaitAsync(string id)
    {
        using (var send = await app.Admin.PostObjectAsync($"/api/campaigns/{id}/send", new { })) await send.ShouldBeAsync(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var campaign = await app.Admin.GetObjectAsync($"/api/campaigns/{id}");
            if ((string)campaign["status"]! == "completed") return campaign;
            Assert.True(DateTime.UtcNow < deadline, $"the campaign did not complete: {campaign.ToJsonString()}");
            await Task.Delay(50, Ct);
        }
    }

    private static (long Sent, long Consent, long Cap, long Failed) Counts(JsonObject campaign)
    {
        var c = campaign["counts"]!;
        return ((long)c["sent"]!, (long)c["suppressedByConsent"]!, (long)c["suppressedByCap"]!, (long)c["failed"]!);
    }

    [GeneratedRegex("""<img src="(?<url>[^"]+/e/o/[^"]+)" """)]
    private static partial Regex Pixel();

    [GeneratedRegex("href=\"(?<url>[^\"]+/e/c/[^\"]+)\"")]
    private static partial Regex Click();

    [Fact]
    public async Task A_campaign_sends_to_consenting_members_with_unsubscribe_headers_and_counts()
    {
        _ = SmtpSink.Address;
        var (segment, people) = await AudienceAsync(("Ann", true), ("Bob", false), ("Cy", null), ("Dee", true));
        var template = await TemplateAsync("<p>Hi {{ profile.first_name }}</p><a href=\"https://shop.example/sale?x=1&amp;y=2\">Sale</a>", "Spring for {{ profile.first_name }}");
        var campaign = await CampaignAsync(template, segment);
        var done = await SendAndWaitAsync((string)campaign["id"]!);
        Assert.Equal((2L, 2L, 0L, 0L), Counts(done));
        Assert.Equal(1.0, (double)done["progress"]!);

        var ann = (await SmtpSink.WaitForAsync(people[0].Email)).Single();
        Assert.Equal("Spring for Ann", ann.Subject);
        Assert.Contains("<p>Hi Ann</p>", ann.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", ann.Headers["List-Unsubscribe-Post"]);
        Assert.Matches("^<http://127.0.0.1:\\d+/e/u/[^>]+>$", ann.Headers["List-Unsubscribe"]);
        Assert.Contains("Unsubscribe</a>", ann.HtmlBody, StringComparison.Ordinal);
        Assert.Single(await SmtpSink.WaitForAsync(people[3].Email));
        Assert.Empty(SmtpSink.MessagesTo(people[1].Email)); // withdrew consent
        Assert.Empty(SmtpSink.MessagesTo(people[2].Email)); // never gave it
        var suppressed = await app.Admin.GetArrayAsync($"/api/campaigns/{campaign["id"]}/recipients?status=suppressed_consent");
        Assert.Equal(2, suppressed.Count);
        Assert.Contains(suppressed, r => ((string)r!["detail"]!).StartsWith("consent for email withdrawn", StringComparison.Ordinal));
        Assert.Contains(suppressed, r => (string)r!["detail"]! == "no consent for email recorded");
    }

    [Fact]
    public async Task Opens_clicks_and_one_click_unsubscribe_are_recorded_on_the_profile()
    {
        _ = SmtpSink.Address;
        var (segment, people) = await AudienceAsync(("Eve", true));
        var template = await TemplateAsync("<a href=\"https://shop.example/new\">New</a> <a href=\"{{ campaign.unsubscribe_url }}\">Leave</a>");
        var campaign = await CampaignAsync(template, segment);
        await SendAndWaitAsync((string)campaign["id"]!);
        var mail = (await SmtpSink.WaitForAsync(people[0].Email)).Single();
        var html = mail.HtmlBody!;
        Assert.DoesNotContain(">Unsubscribe</a>", html, StringComparison.Ordinal); // the template placed its own link

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using (var pixel = await noRedirect.GetAsync(WebUtility.HtmlDecode(Pixel().Match(html).Groups["url"].Value), Ct))
        {
            await pixel.ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal("image/gif", pixel.Content.Headers.ContentType!.MediaType);
        }
        using (var click = await noRedirect.GetAsync(WebUtility.HtmlDecode(Click().Match(html).Groups["url"].Value), Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal("https://shop.example/new", click.Headers.Location!.OriginalString);
        }
        var unsubscribe = mail.Headers["List-Unsubscribe"]!.Trim('<', '>');
        using (var page = await noRedirect.GetAsync(unsubscribe, Ct))
            Assert.Contains("<form method=\"post\">", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await app.WaitForPipelineAsync();
        Assert.True((bool)(await app.Admin.LookupAsync("userId", people[0].UserId))["consent"]!["email"]!["granted"]!); // GET changes nothing

        using (var oneClick = await noRedirect.PostAsync(unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct))
            await oneClick.ShouldBeAsync(HttpStatusCode.OK);
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", people[0].UserId);
        Assert.False((bool)profile["consent"]!["email"]!["granted"]!);
        var events = await app.Admin.EventsAsync(profile.Id());
        JsonNode Properties(string name) => events.Single(e => (string?)e!["name"] == name)!["message"]!["properties"]!;
        Assert.Equal((string)campaign["id"]!, (string)Properties("Email Opened")["campaign_id"]!);
        Assert.Equal("https://shop.example/new", (string)Properties("Email Link Clicked")["url"]!);
        Assert.Equal($"campaign:{campaign["id"]}", (string)Properties("Email Link Clicked")["origin"]!);
        Assert.Equal("unsubscribe link", (string)Properties("Consent Updated")["reason"]!);

        using var forged = await noRedirect.PostAsync(unsubscribe[..^3] + "abc", new StringContent(""), Ct);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
    }

    [Fact]
    public async Task A_member_without_an_address_is_counted_as_failed_with_the_reason()
    {
        var cohort = TailorAppFixture.NewId("noaddress");
        var segment = TailorAppFixture.NewId("No Address");
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = segment, rule = $"trait cohort = \"{cohort}\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        var userId = TailorAppFixture.NewId("nomail");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { cohort, consent = new { email = true } } });
        await app.Admin.WaitForSegmentsAsync(userId, names => names.Contains(segment));
        var campaign = await CampaignAsync(await TemplateAsync("Hi"), segment);
        Assert.Equal((0L, 0L, 0L, 1L), Counts(await SendAndWaitAsync((string)campaign["id"]!)));
        var failed = Assert.Single(await app.Admin.GetArrayAsync($"/api/campaigns/{campaign["id"]}/recipients?status=failed"));
        Assert.Equal("the profile has no email address", (string)failed!["detail"]!);
    }

    [Fact]
    public async Task Frequency_caps_suppress_a_second_campaign()
    {
        _ = SmtpSink.Address;
        var (segment, people) = await AudienceAsync(("Fay", true));
        var template = await TemplateAsync("Hello {{ profile.first_name }}");
        var caps = new[] { new { max = 1, days = 7 } };
        Assert.Equal((1L, 0L, 0L, 0L), Counts(await SendAndWaitAsync((string)(await CampaignAsync(template, segment, caps))["id"]!)));
        var second = await SendAndWaitAsync((string)(await CampaignAsync(template, segment, caps))["id"]!);
        Assert.Equal((0L, 0L, 1L, 0L), Counts(second));
        Assert.Single(await SmtpSink.WaitForAsync(people[0].Email));
    }

    [Fact]
    public async Task Preview_shows_the_email_a_profile_would_get_and_a_test_goes_to_an_address()
    {
        _ = SmtpSink.Address;
        var (segment, people) = await AudienceAsync(("Gus", false));
        var template = await TemplateAsync("Dear {{ profile.first_name }}, {{ 19.5 | money }}", "News");
        var campaign = await CampaignAsync(template, segment);
        var profileId = (await app.Admin.LookupAsync("userId", people[0].UserId)).Id();

        using var preview = await app.Admin.PostObjectAsync($"/api/campaigns/{campaign["id"]}/preview", new { profileId });
        await preview.ShouldBeAsync(HttpStatusCode.OK);
        var email = await preview.JsonAsync();
        Assert.StartsWith("Dear Gus, $19.50", (string)email["html"]!, StringComparison.Ordinal);
        Assert.Equal(people[0].Email, (string)email["to"]!);
        Assert.StartsWith("consent for email withdrawn", (string)email["suppressedBecause"]!, StringComparison.Ordinal);
        // Viewing or clicking a preview records nothing for Gus: no open pixel, no tracked link, no live unsubscribe.
        Assert.DoesNotContain("/e/", (string)email["html"]!, StringComparison.Ordinal);
        Assert.Contains("href=\"#unsubscribe\"", (string)email["html"]!, StringComparison.Ordinal);

        var tester = SmtpSink.NewRecipient("marketer");
        using (var test = await app.Admin.PostObjectAsync($"/api/campaigns/{campaign["id"]}/test", new { email = tester, profileId }))
            await test.ShouldBeAsync(HttpStatusCode.OK);
        var received = (await SmtpSink.WaitForAsync(tester)).Single();
        Assert.Equal("[Test] News", received.Subject);
        Assert.StartsWith("Dear Gus", received.HtmlBody, StringComparison.Ordinal);

        using var bad = await app.Admin.PostObjectAsync($"/api/campaigns/{campaign["id"]}/test", new { email = "not an address" });
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "email", "must be an email address");
    }

    [Fact]
    public async Task Bad_campaigns_name_the_field_and_a_campaign_sends_only_once()
    {
        var template = await TemplateAsync("x");
        using (var noTemplate = await app.Admin.PostObjectAsync("/api/campaigns", new { name = "c", template = "nope", segment = "x" }))
            await noTemplate.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "template", "must name an existing template");
        using (var noSegment = await app.Admin.PostObjectAsync("/api/campaigns", new { name = "c", template, segment = "No Such Segment" }))
            await noSegment.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segment", "must name an existing segment");
        using (var badCap = await app.Admin.PostObjectAsync("/api/campaigns", new { name = "c", template, segment = "x", frequencyCaps = new[] { new { max = 0, days = 1 } } }))
            await badCap.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segment", "must name an existing segment");

        var (segment, _) = await AudienceAsync(("Hal", false));
        using (var cap = await app.Admin.PostObjectAsync("/api/campaigns", new { name = "c", template, segment, frequencyCaps = new[] { new { max = 0, days = 1 } } }))
            await cap.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "frequencyCaps[0]", "max must be at least 1");
        var campaign = await CampaignAsync(template, segment);
        await SendAndWaitAsync((string)campaign["id"]!);
        using var again = await app.Admin.PostObjectAsync($"/api/campaigns/{campaign["id"]}/send", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
