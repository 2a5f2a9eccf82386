using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Privacy;

/// <summary>
/// The audit trail: changes, profile reads and refused keys are recorded with the key, the action, the target, the
/// answer and the address; plain reads of definitions are not; entries past their retention are deleted.
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeClockApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await FakeClockApp.StartAsync(new TailorServerOptions
        {
            DataDirectory = TempDirectory.Create("audit"), WriteKey = "wk_audit", AdminKey = "tk_admin_audit",
            Privacy = { AuditRetention = TimeSpan.FromDays(30) },
        }, _time);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonArray> AuditAsync(string query = "") => await _app.Admin.GetArrayAsync($"/api/audit{query}");

    [Fact]
    public async Task Changes_profile_reads_and_refused_keys_are_recorded_and_plain_reads_are_not()
    {
        using (var created = await _app.Admin.PostObjectAsync("/api/segments", new { name = "Audited", rule = "trait plan = \"pro\"" })) await created.ShouldBeAsync(HttpStatusCode.Created);
        using (var read = await _app.Admin.GetAsync("/api/segments", TestContext.Current.CancellationToken)) await read.ShouldBeAsync(HttpStatusCode.OK);
        using (var profile = await _app.Admin.GetAsync("/api/profiles/lookup?type=userId&value=ann", TestContext.Current.CancellationToken)) Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
        using var intruder = new HttpClient { BaseAddress = _app.Admin.BaseAddress };
        intruder.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tk_admin_guess");
        using (var refused = await intruder.DeleteAsync("/api/segments/seg_x", TestContext.Current.CancellationToken)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var key = (await _app.Admin.GetArrayAsync("/api/admin-keys")).Single()!;

        var entries = await AuditAsync();

        Assert.Collection(entries.Reverse(), // oldest first here
            e =>
            {
                Assert.Equal(("POST /api/segments", 201), ((string)e!["action"]!, (int)e["outcome"]!));
                Assert.Equal(((string)key["id"]!, "default"), ((string)e["actor"]!, (string)e["actorName"]!));
                Assert.Equal("127.0.0.1", (string)e["origin"]!);
                Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), ((DateTimeOffset)e["at"]!).ToUnixTimeMilliseconds());
            },
            e => Assert.Equal(("GET /api/profiles/lookup", 404), ((string)e!["action"]!, (int)e["outcome"]!)),
            e => Assert.Equal(("DELETE /api/segments/seg_x", 401, "anonymous"), ((string)e!["action"]!, (int)e["outcome"]!, (string)e["actor"]!)));
        Assert.Single(await AuditAsync("?action=POST%20/api/segments"));
        var byKey = await AuditAsync($"?actor={key["id"]}");
        Assert.All(byKey, e => Assert.Equal((string)key["id"]!, (string)e!["actor"]!));
        Assert.Contains(byKey, e => (string)e!["action"]! == "GET /api/audit"); // reading the trail is itself recorded
        Assert.DoesNotContain(byKey, e => (int)e!["outcome"]! == 401);
    }

    [Fact]
    public async Task The_hourly_job_deletes_entries_past_their_retention()
    {
        using (var created = await _app.Admin.PostObjectAsync("/api/segments", new { name = "Old news", rule = "trait plan = \"pro\"" })) await created.ShouldBeAsync(HttpStatusCode.Created);
        _time.Advance(TimeSpan.FromDays(29));
        using (var recent = await _app.Admin.PostObjectAsync("/api/segments", new { name = "Recent", rule = "trait plan = \"pro\"" })) await recent.ShouldBeAsync(HttpStatusCode.Created);

        _time.Advance(TimeSpan.FromDays(2)); // the first entry is now 31 days old, the second 2: the next hourly run deletes only the first

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await AuditAsync("?action=POST%20/api/segments")).Count != 1)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the retention job never ran");
            _time.Advance(AuditRetentionEvery);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        var left = Assert.Single(await AuditAsync("?action=POST%20/api/segments"));
        Assert.True(_time.GetUtcNow() - (DateTimeOffset)left!["at"]! < TimeSpan.FromDays(3));
    }

    private static readonly TimeSpan AuditRetentionEvery = TimeSpan.FromHours(1);

    [Fact]
    public async Task A_bad_query_names_the_field()
    {
        using var response = await _app.Admin.GetAsync("/api/audit?limit=5000", TestContext.Current.CancellationToken);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "limit", "must be between 1 and 1000");
    }
}
