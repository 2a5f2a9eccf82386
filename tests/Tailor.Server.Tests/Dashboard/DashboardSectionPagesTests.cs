using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Content;
using Tailor.Server.Tests.Experiments;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The pages beyond profiles and segments, through the real app: journeys (the flow with its steps, run counts and
/// outcomes), campaigns (progress, delivery and engagement counts), content (a template's preview and its missing
/// variables), experiments (arms, intervals and the decision in words), operations (pipeline lag, dead letters, keys,
/// sources, audit) — each checked against what the test itself made happen, and each refused (403, naming the scope)
/// to a key without its scope.
/// </summary>
public sealed partial class DashboardSectionPagesTests(TailorAppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<DashboardClient> AdminBrowserAsync() => await DashboardClient.SignedInAsync(app, app.AdminKey);

    [Fact]
    public async Task Each_section_answers_403_naming_its_scope_to_a_key_without_it()
    {
        using var created = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = TailorAppFixture.NewId("reader"), scopes = new[] { "profiles:read" } });
        using var browser = await DashboardClient.SignedInAsync(app, (string)(await created.JsonAsync())["key"]!);
        foreach (var (path, scope) in new[]
        {
            ("/journeys", "triggers"), ("/journeys/trg_any", "triggers"), ("/campaigns", "send"), ("/campaigns/cmp_any", "send"),
            ("/content", "content"), ("/content/templates/any", "content"), ("/experiments", "analytics"), ("/experiments/any", "analytics"),
            ("/operations", "admin"),
        })
        {
            var page = await browser.PageAsync(path, HttpStatusCode.Forbidden);
            Assert.Contains($"the scope <code>{scope}</code>", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_journey_page_draws_its_steps_and_shows_its_runs_with_their_outcomes()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var plan = $"gold-{run}";
        var name = $"Welcome {run}";
        using (var created = await app.Admin.PostObjectAsync("/api/triggers", new
        {
            name, start = new { @event = $"Signed Up {run}" }, goal = $"Order Completed {run}",
            steps = new object[]
            {
                new { id = "check", @if = $"trait plan = \"{plan}\"" }, new { id = "pause", wait = "2d" },
                new { id = "tag", action = new { profile = new { addTags = new[] { "welcomed" } } } },
            },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        var trigger = await app.Admin.GetObjectAsync($"/api/triggers/{Uri.EscapeDataString(name)}");
        var id = (string)trigger["id"]!;
        var gold = $"journey-{run}-gold";
        var plain = $"journey-{run}-plain";
        await app.Ingest.SendAsync("/v1/identify", new { userId = gold, traits = new { plan } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = plain, traits = new { plan = "none" } });
        await app.WaitForPipelineAsync();
        await app.Ingest.SendAsync("/v1/track", new { userId = gold, @event = $"Signed Up {run}" });
        await app.Ingest.SendAsync("/v1/track", new { userId = plain, @event = $"Signed Up {run}" });
        await WaitUntilAsync(async () => (await app.Admin.GetObjectAsync($"/api/triggers/{id}/runs"))["runs"]!.AsArray().Count == 2, "both runs start");
        var goldProfile = (await app.Admin.LookupAsync("userId", gold)).Id();
        var plainProfile = (await app.Admin.LookupAsync("userId", plain)).Id();

        using var browser = await AdminBrowserAsync();
        var list = await browser.PageAsync("/journeys");
        Assert.Matches($"<a href=\"/journeys/{id}\">{name}</a></td>\\s*<td>event</td>\\s*<td>3</td>\\s*<td class=\"status-good\">enabled</td>", list);

        var page = await browser.PageAsync($"/journeys/{id}");
        Assert.Contains($"aria-label=\"Flow of {name}: 3 steps\"", page, StringComparison.Ordinal);
        foreach (var box in new[] { $"Start: Signed Up {run}", $"check: if trait plan = &quot;{plan}&quot;", "pause: wait 2d", "tag: profile" })
            Assert.Contains($">{box}</text>", page, StringComparison.Ordinal);
        Assert.Contains($">End (or when &quot;Order Completed {run}", page, StringComparison.Ordinal); // the goal, shortened to fit its box
        Assert.Equal(2, Regex.Matches(page, "<dt>runs [a-z_ ]+</dt><dd>(\\d+)</dd>").Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Contains($"href=\"/profiles/{goldProfile}\"", page, StringComparison.Ordinal);
        Assert.Matches(new Regex($"href=\"/profiles/{plainProfile}\">{plainProfile}</a></td>(?:(?!</tr>).)*<td>condition false</td>", RegexOptions.Singleline), page); // its run's outcome
        Assert.Contains("None: every delivery went out or is still being tried.", page, StringComparison.Ordinal);
        await browser.PageAsync("/journeys/trg_missing", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_template_page_previews_as_a_profile_and_lists_the_variables_without_a_value()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var template = $"welcome-{run}";
        using (var saved = await app.Admin.PostObjectAsync("/api/templates", new { name = template, subject = "Hi {{ profile.traits.first_name }}", body = "<p>Hello {{ profile.traits.first_name }} {{ profile.traits.nickname }}</p>" }))
            await saved.ShouldBeAsync(HttpStatusCode.Created);
        var userId = $"content-{run}";
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { first_name = "Dana" } });
        await app.WaitForPipelineAsync();

        using var browser = await AdminBrowserAsync();
        Assert.Contains($"<a href=\"/content/templates/{template}\">{template}</a></td><td>Hi {{{{ profile.traits.first_name }}}}</td>", await browser.PageAsync("/content"), StringComparison.Ordinal);
        var page = await browser.PageAsync($"/content/templates/{template}?profile={userId}");
        var profile = (await app.Admin.LookupAsync("userId", userId)).Id();
        Assert.Contains($"As {profile}: &#x201C;Hi Dana&#x201D;", page, StringComparison.Ordinal);
        Assert.Matches("<ul data-missing=\"1\">\\s*<li><code>profile.traits.nickname</code> line 1</li>", page);
        Assert.Contains("srcdoc=\"&lt;p&gt;Hello Dana &lt;/p&gt;\"", page, StringComparison.Ordinal);
        await browser.PageAsync($"/content/templates/missing-{run}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_campaign_page_shows_its_recipients_by_status_and_its_delivery_open_and_click_counts()
    {
        _ = SmtpSink.Address; // the send goes to the real SMTP sink
        var run = Guid.NewGuid().ToString("N")[..10];
        var cohort = $"cohort-{run}";
        var segment = $"Campaign audience {run}";
        using (var s = await app.Admin.PostObjectAsync("/api/segments", new { name = segment, rule = $"trait cohort = \"{cohort}\"" })) await s.ShouldBeAsync(HttpStatusCode.Created);
        var people = new[] { ("ann", (bool?)true), ("bob", false), ("dee", true) }.Select(p => (User: $"cmp-{run}-{p.Item1}", To: SmtpSink.NewRecipient(p.Item1), Consent: p.Item2)).ToArray();
        foreach (var (user, to, consent) in people)
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { email = to, cohort, consent = new { email = consent } } });
        foreach (var (user, _, _) in people) await app.Admin.WaitForSegmentsAsync(user, names => names.Contains(segment));
        var template = $"spring-{run}";
        using (var t = await app.Admin.PostObjectAsync("/api/templates", new { name = template, subject = "Spring", body = """<p><a href="https://shop.example/spring">Spring</a></p>""" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);
        using var created = await app.Admin.PostObjectAsync("/api/campaigns", new { name = $"Spring {run}", template, segment });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var id = (string)(await created.JsonAsync())["id"]!;
        using (var send = await app.Admin.PostObjectAsync($"/api/campaigns/{id}/send", new { })) await send.ShouldBeAsync(HttpStatusCode.Accepted);
        await WaitUntilAsync(async () => (string)(await app.Admin.GetObjectAsync($"/api/campaigns/{id}"))["status"]! == "completed", "the campaign completes");
        var mail = Assert.Single(await SmtpSink.WaitForAsync(people[0].To, timeout: TimeSpan.FromSeconds(60))).HtmlBody!;
        using var mailClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var pixel in new[] { Pixel(), Pixel() })
            using (var opened = await mailClient.GetAsync(WebUtility.HtmlDecode(pixel.Match(mail).Groups["url"].Value), Ct)) Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        using (var clicked = await mailClient.GetAsync(WebUtility.HtmlDecode(Click().Match(mail).Groups["url"].Value), Ct)) Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
        await app.WaitForPipelineAsync();
        await WaitUntilAsync(async () => (long)(await app.Admin.GetObjectAsync($"/api/campaigns/{id}/stats"))["clicked"]!["unique"]! == 1, "the click is counted");

        using var browser = await AdminBrowserAsync();
        Assert.Matches($"<a href=\"/campaigns/{id}\">Spring {run}</a></td>\\s*<td>completed</td><td>{segment}</td><td>{template}</td>\\s*<td class=\"num\">3</td>\\s*<td class=\"num\">2</td>",
            await browser.PageAsync("/campaigns"));
        var page = await browser.PageAsync($"/campaigns/{id}");
        foreach (var fact in new[] { "<dt>Status</dt><dd>completed</dd>", "<dt>Audience</dt><dd>3</dd>", "<dt>sent</dt><dd>2</dd>", "<dt>suppressed_consent</dt><dd>1</dd>",
                     "<dt>Delivered</dt><dd>2</dd>", "<dt>Opened</dt><dd>1 profiles (2 opens)</dd>", "<dt>Clicked</dt><dd>1 profiles (1 clicks)</dd>", "<dt>Unsubscribed</dt><dd>0</dd>" })
            Assert.Contains(fact, page, StringComparison.Ordinal);
        await browser.PageAsync("/campaigns/cmp_missing", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_experiment_page_shows_each_arms_units_and_rate_with_its_interval_and_the_decision_in_words()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var key = $"page-{run}";
        var signup = $"Signup {run}";
        using (var created = await app.Admin.PostObjectAsync("/api/experiments", new
        {
            key, subject = new { kind = "flag" }, method = "fixedHorizon", plannedUnits = 10,
            variants = new object[] { new { key = "a", value = "0" }, new { key = "b", value = "1" } },
            primaryMetric = new { name = "signups", kind = "conversion", @event = signup },
        })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var started = await app.Admin.PostAsync($"/api/experiments/{key}/start", null, Ct)) await started.ShouldBeAsync(HttpStatusCode.OK);
        var secret = (string)(await app.Admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        var users = Enumerable.Range(0, 12).Select(i => $"exp-page-{run}-{i}").ToArray();
        foreach (var user in users)
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, traits = new { consent = new { personalization = true } } });
        await app.WaitForPipelineAsync();
        var units = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        var conversions = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        var i = 0;
        foreach (var user in users)
        {
            var arm = (string)(await app.Ingest.GetObjectAsync($"/v1/experiments/{key}/assignment?userId={Uri.EscapeDataString(user)}&userHash={PersonalizeApiTests.UserHash(secret, user)}"))["variant"]!;
            units[arm]++;
            if (arm == "b" || i++ % 3 == 0)
            {
                await app.Ingest.SendAsync("/v1/track", new { userId = user, @event = signup });
                conversions[arm]++;
            }
        }
        await ExperimentsProgress.WaitUntilTalliedAsync(app.Admin);
        var statistics = (await app.Admin.GetObjectAsync($"/api/experiments/{key}/results"))["statistics"]!;

        using var browser = await AdminBrowserAsync();
        Assert.Matches($"<a href=\"/experiments/{key}\">{key}</a></td>\\s*<td>Running</td>", await browser.PageAsync("/experiments"));
        var page = await browser.PageAsync($"/experiments/{key}");
        Assert.Contains("Status: <strong>Running</strong>", page, StringComparison.Ordinal);
        var decision = Regex.Match(page, "<p data-decision><strong>([^<]+)</strong></p>");
        Assert.Equal((string)statistics["decision"]!, WebUtility.HtmlDecode(decision.Groups[1].Value)); // the operation's own words, e.g. "no significant difference between b and a …"
        Assert.Contains(" between b and a on signups", decision.Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains($"{users.Length} units of 10 planned", page, StringComparison.Ordinal);
        foreach (var arm in new[] { "a", "b" })
        {
            if (units[arm] == 0) continue;
            var rate = ((double)conversions[arm] / units[arm]).ToString("0.####", CultureInfo.InvariantCulture);
            var row = Regex.Match(page, $"<tr><td>{arm}</td><td class=\"num\">{units[arm]}</td><td class=\"num\">{Regex.Escape(rate)}</td>\\s*<td>\\[(-?[0-9.]+), (-?[0-9.]+)\\]</td></tr>");
            Assert.True(row.Success, $"arm {arm}: {units[arm]} units, rate {rate} not on the page");
            var (lower, upper) = (double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture));
            Assert.InRange((double)conversions[arm] / units[arm], lower, upper); // the interval holds the estimate
        }
        Assert.Contains("<figure class=\"chart\"><img src=\"data:image/svg", page, StringComparison.Ordinal); // the lift chart, drawn on the server
        await browser.PageAsync($"/experiments/missing-{run}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_operations_page_shows_every_stage_with_its_lag_the_dead_letters_waiting_the_keys_sources_and_audit()
    {
        var reason = $"could not fold: test {Guid.NewGuid():N}";
        var dead = await app.Services.GetRequiredService<IDeadLetterStore>().AddDeadLetterAsync(
            new DeadLetter(0, "segments", $"timer-{Guid.NewGuid():N}", null, "{}", reason, "InvalidOperationException", 3, DateTimeOffset.UtcNow), Ct);
        var status = await app.Admin.GetObjectAsync("/api/pipeline");

        using var browser = await AdminBrowserAsync();
        var page = await browser.PageAsync("/operations");
        foreach (var follower in status["followers"]!.AsArray())
            Assert.Matches($"<td>{(string)follower!["name"]!}</td><td[^>]*>[a-z]+</td>\\s*<td class=\"num\">\\d*</td><td class=\"num\" data-lag=\"{(string)follower["name"]!}\">[0-9,]+</td>", page);
        Assert.Matches($"<td class=\"num\">{dead.Id}</td><td>segments</td><td><code>{dead.Key}</code></td><td>{Regex.Escape(reason)}</td><td class=\"num\">3</td>", page);
        Assert.Contains($"aria-label=\"Replay dead letter {dead.Id}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(app.AdminKey, page, StringComparison.Ordinal); // keys by name and id, never the key
        Assert.DoesNotContain(app.WriteKey, page, StringComparison.Ordinal); // write keys cut to their first characters
        Assert.Contains(app.WriteKey[..8] + "&#x2026;", page, StringComparison.Ordinal);
        var audit = await browser.PageAsync("/operations?action=POST%20/sign-in");
        Assert.Matches("<td>POST /sign-in</td><td></td><td class=\"num\">302</td>", audit);
        Assert.DoesNotContain("<td>GET /api/pipeline</td>", audit, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50, Ct);
        }
    }

    [GeneratedRegex("""<img src="(?<url>[^"]+/e/o/[^"]+)" """)]
    private static partial Regex Pixel();

    [GeneratedRegex("href=\"(?<url>[^\"]+/e/c/[^\"]+)\"")]
    private static partial Regex Click();
}
