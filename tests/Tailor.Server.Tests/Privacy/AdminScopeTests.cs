using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tailor.Application.Access;
using Tailor.Server.Admin;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Privacy;

/// <summary>Admin keys with scopes and an expiry: each area of the API opens only to its scope (or admin), and an expired key is refused.</summary>
public sealed class AdminScopeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeClockApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await FakeClockApp.StartAsync(new TailorServerOptions
        {
            DataDirectory = TempDirectory.Create("scopes"), WriteKey = "wk_scopes", AdminKey = "tk_admin_scopes",
        }, _time);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpClient> KeyAsync(object request)
    {
        using var created = await _app.Admin.PostObjectAsync("/api/admin-keys", request);
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var client = new HttpClient { BaseAddress = _app.Admin.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)(await created.JsonAsync())["key"]!);
        return client;
    }

    [Fact]
    public async Task A_key_opens_only_the_areas_of_its_scopes()
    {
        using var marketer = await KeyAsync(new { name = "marketer", scopes = new[] { "segments", "content" } });
        using var reader = await KeyAsync(new { name = "support", scopes = new[] { "profiles:read" } });

        using (var list = await marketer.GetAsync("/api/segments", TestContext.Current.CancellationToken)) await list.ShouldBeAsync(HttpStatusCode.OK);
        using (var create = await marketer.PostObjectAsync("/api/segments", new { name = "Scoped", rule = "trait plan = \"pro\"" })) await create.ShouldBeAsync(HttpStatusCode.Created);
        using (var templates = await marketer.GetAsync("/api/templates", TestContext.Current.CancellationToken)) await templates.ShouldBeAsync(HttpStatusCode.OK);
        using (var profile = await marketer.GetAsync("/api/profiles/lookup?type=userId&value=x", TestContext.Current.CancellationToken))
            await profile.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "Authorization", "must have scope profiles:read");
        using (var keys = await marketer.GetAsync("/api/admin-keys", TestContext.Current.CancellationToken))
            await keys.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "Authorization", "must have scope admin");
        using (var campaigns = await marketer.GetAsync("/api/campaigns", TestContext.Current.CancellationToken))
            await campaigns.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "Authorization", "must have scope send");

        using (var lookup = await reader.GetAsync("/api/profiles/lookup?type=userId&value=nobody", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode); // let through: there is just no such profile
        using (var segments = await reader.PostObjectAsync("/api/segments", new { name = "Nope", rule = "trait plan = \"pro\"" }))
            await segments.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "Authorization", "must have scope segments");
    }

    [Fact]
    public async Task Scopes_are_checked_at_creation_and_listed_without_the_key()
    {
        using (var bad = await _app.Admin.PostObjectAsync("/api/admin-keys", new { name = "x", scopes = new[] { "segments", "root" } }))
            await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "scopes", "must each be one of profiles:read, segments, triggers, content, send, analytics, privacy, admin ('root' is not)");
        using (var badExpiry = await _app.Admin.PostObjectAsync("/api/admin-keys", new { name = "x", expiresIn = "soon" }))
            await badExpiry.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "expiresIn", "must be a duration such as 30m, 24h or 90d");
        using var created = await _app.Admin.PostObjectAsync("/api/admin-keys", new { name = "analyst", scopes = new[] { "analytics", "segments", "analytics" } });
        var key = await created.JsonAsync();

        Assert.Equal("segments analytics", (string)key["scopes"]!); // known order, no repeats
        var listed = (await _app.Admin.GetArrayAsync("/api/admin-keys")).Single(k => (string)k!["id"]! == (string)key["id"]!)!;
        Assert.Equal("segments analytics", (string)listed["scopes"]!);
        Assert.DoesNotContain((string)key["key"]!, listed.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_stops_working_when_it_expires()
    {
        using var temporary = await KeyAsync(new { name = "contractor", scopes = new[] { "segments" }, expiresIn = "2h" });
        using (var before = await temporary.GetAsync("/api/segments", TestContext.Current.CancellationToken)) await before.ShouldBeAsync(HttpStatusCode.OK);

        _time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));

        using var after = await temporary.GetAsync("/api/segments", TestContext.Current.CancellationToken);
        await after.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authorization", "must be a valid admin key");
    }

    /// <summary>Every area of the admin API is given a scope on purpose: a new area fails here until it is placed.</summary>
    [Fact]
    public void Every_admin_api_area_is_placed_in_a_scope()
    {
        string[] adminOnly = ["sources", "destinations", "admin-keys", "identity-secret", "pipeline", "dead-letters", "tracking-plan", "cluster", "users"];
        var areas = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/api/", StringComparison.Ordinal))
            .Select(p => p.Split('/')[2]).Distinct().ToList();

        Assert.NotEmpty(areas);
        foreach (var area in areas)
        {
            var scope = ApiScopes.Required(new Microsoft.AspNetCore.Http.PathString($"/api/{area}"), "GET");
            Assert.True(scope != AdminScopes.Admin || adminOnly.Contains(area), $"/api/{area} has no scope of its own: add it to ApiScopes or to the admin-only list here");
        }
    }
}
