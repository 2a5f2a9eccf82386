using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The dashboard's pages through the real app on loopback: sign-in and its cookie, the scopes that decide what a key
/// sees and may open (403 otherwise), antiforgery on every form, the audit trail, and the pages' own flows (find a
/// profile, preview and save a segment) — each calling the same operations as the API, checked through the API.
/// </summary>
public sealed class DashboardPagesTests(TailorAppFixture app)
{
    private async Task<(string Id, string Key)> KeyAsync(params string[] scopes)
    {
        using var response = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = TailorAppFixture.NewId("dash"), scopes });
        await response.ShouldBeAsync(HttpStatusCode.Created);
        var created = await response.JsonAsync();
        return ((string)created["id"]!, (string)created["key"]!);
    }

    private async Task<JsonArray> AuditAsync(string actor) => await app.Admin.GetArrayAsync($"/api/audit?actor={Uri.EscapeDataString(actor)}");

    [Fact]
    public async Task A_page_without_a_session_sends_the_browser_to_sign_in_and_back()
    {
        using var browser = new DashboardClient(app);
        using var response = await browser.GetAsync("/profiles?q=ann");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fprofiles%3Fq%3Dann", response.Headers.Location!.OriginalString);

        using var signedIn = await browser.SignInAsync(app.AdminKey, "/profiles?q=ann");
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        Assert.Equal("/profiles?q=ann", signedIn.Headers.Location!.PathAndQuery);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tailor_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.AdminKey, cookie, StringComparison.Ordinal); // sealed, never the key in clear
        await browser.PageAsync("/profiles");
    }

    [Fact]
    public async Task Sign_in_refuses_a_wrong_key_and_the_refusal_is_audited()
    {
        using var browser = new DashboardClient(app);
        using var response = await browser.SignInAsync("tk_admin_guess_" + Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("must be a valid admin key", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(browser.HasSession);
        Assert.Contains(await AuditAsync("anonymous"), e => (string)e!["action"]! == "POST /sign-in" && (int)e["outcome"]! == 401);
    }

    [Fact]
    public async Task Sign_in_only_returns_to_paths_on_this_node()
    {
        using var browser = new DashboardClient(app);
        using var response = await browser.SignInAsync(app.AdminKey, "//evil.example/x");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(app.BaseAddress.Authority, response.Headers.Location!.Authority);
        Assert.Equal("/", response.Headers.Location.AbsolutePath);
    }

    [Fact]
    public async Task A_scoped_key_sees_only_its_sections_and_gets_403_elsewhere_which_is_audited()
    {
        var (id, key) = await KeyAsync("segments");
        using var browser = await DashboardClient.SignedInAsync(app, key);
        var home = await browser.PageAsync("/");
        Assert.Contains("href=\"/segments\"", home, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/profiles\"", home, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/operations\"", home, StringComparison.Ordinal);

        await browser.PageAsync("/segments");
        var refused = await browser.PageAsync("/profiles", HttpStatusCode.Forbidden);
        Assert.Contains("profiles:read", refused, StringComparison.Ordinal);
        await browser.PageAsync("/operations", HttpStatusCode.Forbidden);
        Assert.Contains(await AuditAsync(id), e => (string)e!["action"]! == "GET /profiles" && (int)e["outcome"]! == 403);
    }

    [Fact]
    public async Task A_revoked_key_ends_its_session()
    {
        var (id, key) = await KeyAsync("segments");
        using var browser = await DashboardClient.SignedInAsync(app, key);
        await browser.PageAsync("/segments");
        using (var revoked = await app.Admin.PostObjectAsync($"/api/admin-keys/{id}/revoke", new { })) await revoked.ShouldBeAsync(HttpStatusCode.OK);
        using var response = await browser.GetAsync("/segments");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);
        var name = TailorAppFixture.NewId("forged");
        using var response = await browser.PostFormAsync("/segments/new", "segment",
            [new("Name", name), new("Rule", "trait plan = \"gold\""), new("Action", "save")], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var lookup = await app.Admin.GetAsync($"/api/segments/{name}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Pages_carry_the_page_policy_and_no_inline_script()
    {
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);
        foreach (var path in new[] { "/", "/profiles", "/segments", "/segments/new", "/sign-in" })
        {
            using var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("script-src 'self';", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        }
        using var script = await browser.GetAsync("/assets/dashboard.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        using var missing = await browser.GetAsync("/assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Finding_a_profile_by_identity_or_trait_opens_its_page_and_the_read_is_audited()
    {
        var userId = TailorAppFixture.NewId("dash-user");
        var plan = TailorAppFixture.NewId("plan");
        await app.Ingest.SendAsync("/v1/identify", new { userId, traits = new { email = $"{userId}@example.com", plan } });
        await app.Ingest.SendAsync("/v1/track", new { userId, @event = "Dashboard Visited", properties = new { page = "home" } });
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", userId);
        var (id, key) = await KeyAsync("profiles:read");
        using var browser = await DashboardClient.SignedInAsync(app, key);

        var byIdentity = await browser.PageAsync($"/profiles?q={Uri.EscapeDataString(userId)}");
        Assert.Contains($"href=\"/profiles/{profile.Id()}\"", byIdentity, StringComparison.Ordinal);
        var byTrait = await browser.PageAsync($"/profiles?trait=plan&value={Uri.EscapeDataString(plan)}");
        Assert.Contains($"href=\"/profiles/{profile.Id()}\"", byTrait, StringComparison.Ordinal);
        var nothing = await browser.PageAsync("/profiles?q=nobody-" + Guid.NewGuid().ToString("N"));
        Assert.Contains("0 profiles", nothing, StringComparison.Ordinal);

        var page = await browser.PageAsync($"/profiles/{profile.Id()}");
        Assert.Contains(userId, page, StringComparison.Ordinal);
        Assert.Contains(plan, page, StringComparison.Ordinal);
        Assert.Contains("Dashboard Visited", page, StringComparison.Ordinal);
        var filtered = await browser.PageAsync($"/profiles/{profile.Id()}?event=Nothing");
        Assert.DoesNotContain("Dashboard Visited", filtered, StringComparison.Ordinal);
        await browser.PageAsync("/profiles/pro_missing", HttpStatusCode.NotFound);
        Assert.Contains(await AuditAsync(id), e => (string)e!["action"]! == $"GET /profiles/{profile.Id()}" && (int)e["outcome"]! == 200);
    }

    [Fact]
    public async Task A_segment_is_previewed_then_saved_from_the_page_with_the_same_rule_language()
    {
        var plan = TailorAppFixture.NewId("plan");
        foreach (var n in Enumerable.Range(0, 3))
            await app.Ingest.SendAsync("/v1/identify", new { userId = $"{plan}-{n}", traits = new { plan } });
        await app.WaitForPipelineAsync();
        using var browser = await DashboardClient.SignedInAsync(app, app.AdminKey);
        var name = TailorAppFixture.NewId("Gold");
        var rule = $"trait plan = \"{plan}\"";

        using (var broken = await browser.PostFormAsync("/segments/new", "segment", [new("Name", name), new("Rule", "trait plan = "), new("Action", "preview")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            Assert.Contains("line 1", await broken.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        using (var preview = await browser.PostFormAsync("/segments/new", "segment", [new("Name", name), new("Rule", rule), new("Action", "preview")]))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Contains("<strong data-estimate>3</strong>", await preview.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        using var saved = await browser.PostFormAsync("/segments/new", "segment", [new("Name", name), new("Rule", rule), new("Action", "save")]);
        Assert.Equal(HttpStatusCode.Found, saved.StatusCode);

        var segment = await app.Admin.GetObjectAsync($"/api/segments/{Uri.EscapeDataString(name)}");
        Assert.Equal(rule, (string)segment["rule"]!);
        Assert.Equal($"/segments/{(string)segment["id"]!}", saved.Headers.Location!.AbsolutePath);
        var page = await browser.PageAsync(saved.Headers.Location.PathAndQuery);
        Assert.Contains("The segment was saved", page, StringComparison.Ordinal);
        using (var again = await browser.PostFormAsync("/segments/new", "segment", [new("Name", name), new("Rule", rule), new("Action", "save")]))
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode); // the name is taken: the operation's own rule, shown on the form
    }
}
