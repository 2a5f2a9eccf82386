using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// Users with passwords and roles, through the real app: added with <c>/api/users</c> (admin scope), signed in on the
/// form, their role's scopes deciding pages and 403s, their sign-ins audited, sessions ended by disabling, removing or
/// a new password, guessing throttled — and never a password or hash in an answer.
/// </summary>
public sealed class DashboardUsersTests(TailorAppFixture app)
{
    private const string Password = "a long enough secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Id, string Name)> AddAsync(string role, string password = Password)
    {
        var name = TailorAppFixture.NewId("user").ToLowerInvariant();
        using var response = await app.Admin.PostObjectAsync("/api/users", new { name, password, role });
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.DoesNotContain(password, body, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", body, StringComparison.Ordinal);
        var created = JsonNode.Parse(body)!;
        return ((string)created["id"]!, name);
    }

    private async Task<DashboardClient> SignedInAsync(string name, string password = Password)
    {
        var browser = new DashboardClient(app);
        using var response = await browser.SignInUserAsync(name, password);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.True(browser.HasSession);
        return browser;
    }

    private async Task ShouldBeSignedOutAsync(DashboardClient browser, string path)
    {
        using var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private async Task PostAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await app.Admin.PostObjectAsync(path, new { });
        await response.ShouldBeAsync(expected);
    }

    [Fact]
    public async Task A_marketer_signs_in_with_a_password_sees_the_sections_of_the_role_and_the_sign_in_is_audited()
    {
        var (id, name) = await AddAsync("marketer");
        using var browser = await SignedInAsync(name.ToUpperInvariant()); // names are not case-sensitive
        var home = await browser.PageAsync("/");
        foreach (var section in new[] { "/profiles", "/segments", "/journeys", "/content", "/campaigns", "/experiments" })
            Assert.Contains($"href=\"{section}\"", home, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/operations\"", home, StringComparison.Ordinal);
        Assert.Contains(name, home, StringComparison.Ordinal);
        await browser.PageAsync("/segments");
        var refused = await browser.PageAsync("/operations", HttpStatusCode.Forbidden);
        Assert.Contains("<code>admin</code>", refused, StringComparison.Ordinal);

        var audit = await app.Admin.GetArrayAsync($"/api/audit?actor={id}");
        Assert.Contains(audit, e => (string)e!["action"]! == "POST /sign-in" && (int)e["outcome"]! == 302 && (string)e["actorName"]! == name);
        Assert.Contains(audit, e => (string)e!["action"]! == "GET /operations" && (int)e["outcome"]! == 403);
    }

    [Fact]
    public async Task A_viewer_reads_profiles_and_experiments_and_nothing_else()
    {
        var (_, name) = await AddAsync("viewer");
        using var browser = await SignedInAsync(name);
        await browser.PageAsync("/profiles");
        await browser.PageAsync("/experiments");
        foreach (var path in new[] { "/segments", "/segments/new", "/journeys", "/content", "/campaigns", "/operations" })
            await browser.PageAsync(path, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_audited_naming_the_user_name_but_never_the_password()
    {
        var (_, name) = await AddAsync("viewer");
        using var browser = new DashboardClient(app);
        using var response = await browser.SignInUserAsync(name, "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("must be those of an enabled user", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(browser.HasSession);
        var audit = await app.Admin.GetArrayAsync("/api/audit?actor=anonymous");
        var entry = Assert.Single(audit, e => (string?)e!["target"] == "user:" + name);
        Assert.Equal(401, (int)entry!["outcome"]!);
        Assert.DoesNotContain("not the password", entry.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_session_and_refuses_their_sign_in_until_enabled()
    {
        var (id, name) = await AddAsync("marketer");
        using var browser = await SignedInAsync(name);
        await browser.PageAsync("/segments");

        await PostAsync($"/api/users/{id}/disable");
        await ShouldBeSignedOutAsync(browser, "/segments");
        using (var refused = await browser.SignInUserAsync(name, Password)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await PostAsync($"/api/users/{name}/enable");
        using var again = await SignedInAsync(name);
        await again.PageAsync("/segments");
    }

    [Fact]
    public async Task A_new_password_ends_the_users_sessions_and_removing_the_user_ends_them_too()
    {
        var (id, name) = await AddAsync("admin");
        using var browser = await SignedInAsync(name);
        await browser.PageAsync("/operations");
        using (var changed = await app.Admin.PostObjectAsync($"/api/users/{id}/password", new { password = "a brand new secret" }))
        {
            await changed.ShouldBeAsync(HttpStatusCode.OK);
            Assert.DoesNotContain("a brand new secret", await changed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        await ShouldBeSignedOutAsync(browser, "/operations");
        using (var old = await browser.SignInUserAsync(name, Password)) Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);

        using var current = await SignedInAsync(name, "a brand new secret");
        await current.PageAsync("/operations");
        using (var removed = await app.Admin.DeleteAsync($"/api/users/{id}", Ct)) Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await ShouldBeSignedOutAsync(current, "/operations");
        using (var gone = await app.Admin.DeleteAsync($"/api/users/{id}", Ct)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Guessing_a_users_password_is_stopped_after_five_tries_with_a_clear_message()
    {
        var (_, name) = await AddAsync("viewer");
        using var browser = new DashboardClient(app);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.SignInUserAsync(name, $"guess number {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var locked = await browser.SignInUserAsync(name, Password); // even the right password, until the window passes
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("Too many failed sign-ins for this user name: try again in 15 minutes.", await locked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 60, 15 * 60);
        Assert.False(browser.HasSession);
        var audit = await app.Admin.GetArrayAsync("/api/audit?actor=anonymous");
        Assert.Contains(audit, e => (string?)e!["target"] == "user:" + name && (int)e["outcome"]! == 429);

        var (_, other) = await AddAsync("viewer"); // another user from the same address still signs in
        using var fine = await SignedInAsync(other);
    }

    [Fact]
    public async Task Users_are_managed_with_the_admin_scope_only_and_listed_without_passwords()
    {
        var (_, name) = await AddAsync("viewer");
        var list = await app.Admin.GetArrayAsync("/api/users");
        var listed = Assert.Single(list, u => (string)u!["name"]! == name)!;
        Assert.Equal(("viewer", "profiles:read analytics"), ((string)listed["role"]!, (string)listed["scopes"]!));
        Assert.DoesNotContain("pbkdf2", list.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, list.ToJsonString(), StringComparison.Ordinal);

        using (var bad = await app.Admin.PostObjectAsync("/api/users", new { name = "x y", password = Password, role = "viewer" }))
            await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name", "must be 1 to 64 letters, digits, '.', '_', '-' or '@'");
        using (var weak = await app.Admin.PostObjectAsync("/api/users", new { name = "weak", password = "short", role = "viewer" }))
            await weak.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "password", "must be 12 to 128 characters");

        using var created = await app.Admin.PostObjectAsync("/api/admin-keys", new { name = TailorAppFixture.NewId("segkey"), scopes = new[] { "segments" } });
        var key = (string)(await created.JsonAsync())["key"]!;
        using var scoped = new HttpClient { BaseAddress = app.BaseAddress };
        scoped.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var forbidden = await scoped.GetAsync("/api/users", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task A_new_role_through_the_api_gives_the_users_open_session_its_rights_at_once_and_is_audited()
    {
        var (id, name) = await AddAsync("marketer");
        using var browser = await SignedInAsync(name);
        await browser.PageAsync("/segments");
        await browser.PageAsync("/operations", HttpStatusCode.Forbidden);

        using (var promoted = await app.Admin.PatchAsJsonAsync($"/api/users/{name}", new { role = "admin" }, Ct))
        {
            await promoted.ShouldBeAsync(HttpStatusCode.OK);
            var user = await promoted.JsonAsync();
            Assert.Equal(("admin", "admin"), ((string)user["role"]!, (string)user["scopes"]!));
        }
        await browser.PageAsync("/operations"); // the same cookie, now with the admin's rights
        Assert.Contains("href=\"/users\"", await browser.PageAsync("/"), StringComparison.Ordinal);

        await AddAsync("admin"); // another enabled admin: the last one cannot be demoted (UserOperationsTests)
        using (var demoted = await app.Admin.PatchAsJsonAsync($"/api/users/{id}", new { role = "viewer" }, Ct)) await demoted.ShouldBeAsync(HttpStatusCode.OK);
        await browser.PageAsync("/operations", HttpStatusCode.Forbidden);
        await browser.PageAsync("/segments", HttpStatusCode.Forbidden);
        await browser.PageAsync("/profiles"); // still signed in, as a viewer

        using (var bad = await app.Admin.PatchAsJsonAsync($"/api/users/{id}", new { role = "owner" }, Ct))
            await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "role", "must be one of viewer, marketer, admin");
        using (var missing = await app.Admin.PatchAsJsonAsync("/api/users/usr_nobody", new { role = "viewer" }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var keyId = (string)(await app.Admin.GetArrayAsync("/api/audit?action=PATCH%20/api/users")).First(e => (string?)e!["target"] == name)!["actor"]!;
        var changes = (await app.Admin.GetArrayAsync($"/api/audit?action={Uri.EscapeDataString("user role")}")).Where(e => (string?)e!["target"] == id).ToList();
        Assert.Equal(["user role admin → viewer", "user role marketer → admin"], changes.Select(e => (string)e!["action"]!));
        Assert.All(changes, e => Assert.Equal(keyId, (string)e!["actor"]!));
    }

    [Fact]
    public async Task The_users_page_changes_a_role_with_the_same_operation_and_only_admins_open_it()
    {
        var (id, name) = await AddAsync("viewer");
        using var viewer = await SignedInAsync(name);
        await viewer.PageAsync("/users", HttpStatusCode.Forbidden);
        using var admin = await DashboardClient.SignedInAsync(app, app.AdminKey);
        var page = await admin.PageAsync("/users");
        Assert.Contains($"<tr data-user=\"{name}\">", page, StringComparison.Ordinal);

        using (var changed = await admin.PostFormAsync("/users", "role", [new("User", id), new("Role", "marketer")]))
        {
            Assert.Equal(HttpStatusCode.Found, changed.StatusCode);
            Assert.EndsWith($"/users?changed={name}", changed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        Assert.Contains($"{name} now has the role marketer", await admin.PageAsync($"/users?changed={name}"), StringComparison.Ordinal);
        await viewer.PageAsync("/segments"); // the viewer's session, now a marketer's
        var audit = await app.Admin.GetArrayAsync($"/api/audit?action={Uri.EscapeDataString("user role")}");
        Assert.Contains(audit, e => (string?)e!["target"] == id && (string)e["action"]! == "user role viewer → marketer");

        using var bad = await admin.PostFormAsync("/users", "role", [new("User", id), new("Role", "owner")]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("must be one of viewer, marketer, admin", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
