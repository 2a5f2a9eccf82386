using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Admin;

/// <summary>
/// Admin keys and write keys through the API: listed, revoked (refused on the next request, whatever was cached) and
/// rotated (the old key keeps working until its grace period ends on the node's clock).
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private FakeClockApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("keys"), WriteKey = "wk_rotation_default", AdminKey = "tk_admin_rotation" };
        options.Security.KeyRotationGrace = TimeSpan.FromHours(2);
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Bearer(string key) => new() { BaseAddress = _app.Admin.BaseAddress, DefaultRequestHeaders = { Authorization = new("Bearer", key) } };

    private HttpClient Basic(string key) => new() { BaseAddress = _app.Admin.BaseAddress, DefaultRequestHeaders = { Authorization = TailorAppFixture.BasicAuth(key) } };

    private async Task<(string Id, string Key)> NewAdminKeyAsync(string name)
    {
        using var created = await _app.Admin.PostObjectAsync("/api/admin-keys", new { name });
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var json = await created.JsonAsync();
        return ((string)json["id"]!, (string)json["key"]!);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetResponseAsync(path);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> TrackAsync(HttpClient client)
    {
        using var response = await client.PostObjectAsync("/v1/track", new { userId = "rotation-user", @event = "Ping" });
        return response.StatusCode;
    }

    [Fact]
    public async Task Admin_keys_are_listed_without_their_secret()
    {
        var (id, key) = await NewAdminKeyAsync("listed");

        var listed = await _app.Admin.GetArrayAsync("/api/admin-keys");

        var entry = Assert.Single(listed, k => (string)k!["id"]! == id)!;
        Assert.Equal("listed", (string)entry["name"]!);
        Assert.DoesNotContain(key, listed.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_admin_key_is_refused_on_the_very_next_request()
    {
        var (id, key) = await NewAdminKeyAsync("revoked");
        using var client = Bearer(key);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/api/pipeline")); // now cached as valid

        using (var revoked = await _app.Admin.PostObjectAsync($"/api/admin-keys/{id}/revoke", new { })) await revoked.ShouldBeAsync(HttpStatusCode.OK);

        using var refused = await client.GetResponseAsync("/api/pipeline");
        await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authorization", "must be a valid admin key");
        Assert.NotNull((await _app.Admin.GetArrayAsync("/api/admin-keys")).Single(k => (string)k!["id"]! == id)!["revokedAt"]);
    }

    [Fact]
    public async Task A_rotated_admin_key_works_beside_its_successor_until_the_grace_period_ends()
    {
        var (id, key) = await NewAdminKeyAsync("rotated");
        using var old = Bearer(key);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(old, "/api/pipeline"));

        using var response = await _app.Admin.PostObjectAsync($"/api/admin-keys/{id}/rotate", new { grace = "30m" });
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var rotated = await response.JsonAsync();
        using var successor = Bearer((string)rotated["key"]!);
        Assert.Equal(_app.Time.GetUtcNow() + TimeSpan.FromMinutes(30), (DateTimeOffset)rotated["previousKeyValidUntil"]!);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(old, "/api/pipeline"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(successor, "/api/pipeline"));
        _app.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(old, "/api/pipeline"));
        _app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(old, "/api/pipeline"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(successor, "/api/pipeline"));
    }

    [Fact]
    public async Task A_rotated_write_key_keeps_sending_for_the_configured_default_grace_and_a_revoked_source_stops_at_once()
    {
        using var created = await _app.Admin.PostObjectAsync("/api/sources", new { name = "shop" });
        var source = await created.JsonAsync();
        using var old = Basic((string)source["writeKey"]!);
        Assert.Equal(HttpStatusCode.OK, await TrackAsync(old));

        using var response = await _app.Admin.PostObjectAsync("/api/sources/shop/rotate", new { });
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var rotated = await response.JsonAsync();
        using var successor = Basic((string)rotated["source"]!["writeKey"]!);
        Assert.Equal(_app.Time.GetUtcNow() + TimeSpan.FromHours(2), (DateTimeOffset)rotated["previousKeyValidUntil"]!); // the node's default grace

        Assert.Equal(HttpStatusCode.OK, await TrackAsync(old));
        Assert.Equal(HttpStatusCode.OK, await TrackAsync(successor));
        _app.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await TrackAsync(old));
        Assert.Equal(HttpStatusCode.OK, await TrackAsync(successor));

        using (var revoked = await _app.Admin.PostObjectAsync("/api/sources/shop/revoke", new { })) await revoked.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, await TrackAsync(successor));
    }

    [Fact]
    public async Task A_bad_grace_or_an_unknown_key_is_refused_clearly()
    {
        var (id, _) = await NewAdminKeyAsync("graceless");

        using var bad = await _app.Admin.PostObjectAsync($"/api/admin-keys/{id}/rotate", new { grace = "forever" });
        using var missing = await _app.Admin.PostObjectAsync("/api/admin-keys/key_missing/revoke", new { });
        using var noSource = await _app.Admin.PostObjectAsync("/api/sources/nope/rotate", new { });

        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "grace", "must be a duration such as 30m");
        await missing.ShouldBeProblemAsync(HttpStatusCode.NotFound, "path", "must name an existing");
        await noSource.ShouldBeProblemAsync(HttpStatusCode.NotFound, "path", "must name an existing");
    }
}
