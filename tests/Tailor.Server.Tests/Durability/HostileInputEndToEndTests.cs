using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;
using static Tailor.Server.Tests.Hosting.ProcessClient;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// Issue 10 items 1 (text at the door), 4 (bounded event time, consent authority), 8 (dedupe per source) and 9
/// (tracking plan) against the real <c>tailor serve</c>, where a crash or a stuck pipeline would show in
/// <c>GET /api/pipeline</c> (lag, dead letters) or in the process having exited.
/// </summary>
public sealed partial class HostileInputEndToEndTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create("hostile");
    private readonly string _writeKey = $"wk_hostile_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_hostile_{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        TempDirectory.Delete(_data);
        return ValueTask.CompletedTask;
    }

    private sealed record Node(TailorProcess Process, HttpClient Ingest, HttpClient Admin) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Ingest.Dispose();
            Admin.Dispose();
            await Process.DisposeAsync();
        }

        /// <summary>Lag 0, the process alive; returns the pipeline status.</summary>
        public async Task<JsonObject> CaughtUpAsync()
        {
            var status = await PipelineProgress.WaitUntilCaughtUpAsync(Admin);
            Assert.False(Process.HasExited, Process.Output);
            return status;
        }
    }

    private async Task<Node> StartAsync(Dictionary<string, string>? environment = null)
    {
        var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, environment);
        return new Node(tailor, Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey)), Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey)));
    }

    [Fact]
    public async Task A_batch_with_invalid_UTF8_and_a_lone_surrogate_keeps_the_good_messages_and_the_pipeline_reaches_lag_0()
    {
        await using var node = await StartAsync();
        byte[] body =
        [
            .. """{"batch": [{"type": "identify", "userId": "good-1", "traits": {"plan": "pro"}},"""u8,
            .. """{"type": "identify", "userId": "bad-utf8", "traits": {"name": "A"""u8, 0xC3, 0x28, .. "\"}},"u8,
            .. """{"type": "identify", "userId": "bad-surrogate", "traits": {"name": "\ud800"}},"""u8,
            .. """{"type": "track", "userId": "good-2", "event": "Order Completed", "properties": {"revenue": 12}}]}"""u8,
        ];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await node.Ingest.PostAsync("/v1/batch", content, Ct);

        await response.ShouldBeAsync(HttpStatusCode.OK);
        var answer = await response.JsonAsync();
        Assert.Equal(2, (int)answer["accepted"]!);
        var rejected = answer["rejected"]!.AsArray().Select(r => ((int)r!["index"]!, (string)r["field"]!, (string)r["rule"]!)).ToArray();
        Assert.Equal([1, 2], rejected.Select(r => r.Item1));
        Assert.All(rejected, r => Assert.Equal("traits.name", r.Item2));
        Assert.Contains("valid UTF-8", rejected[0].Item3, StringComparison.Ordinal);
        Assert.Contains("lone UTF-16 surrogate", rejected[1].Item3, StringComparison.Ordinal);

        var status = await node.CaughtUpAsync();
        Assert.Equal(0L, (long)status["deadLetters"]!);
        Assert.Equal("pro", (string)(await node.Admin.LookupAsync("userId", "good-1"))["traits"]!["plan"]!);
        Assert.Equal(1L, (long)(await node.Admin.LookupAsync("userId", "good-2"))["computed"]!["orderCount"]!);
        foreach (var bad in new[] { "bad-utf8", "bad-surrogate" })
        {
            using var lookup = await node.Admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={bad}");
            Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        }
    }

    [Fact]
    public async Task A_far_future_timestamp_is_clamped_to_the_receive_time()
    {
        await using var node = await StartAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        await node.Ingest.SendAsync("/v1/identify", new { userId = "future", timestamp = "9999-06-01T00:00:00Z", traits = new { plan = "pinned?" } });
        await node.CaughtUpAsync();
        await node.Ingest.SendAsync("/v1/identify", new { userId = "future", traits = new { plan = "now" } });
        await node.CaughtUpAsync();

        var profile = await node.Admin.LookupAsync("userId", "future");
        Assert.Equal("now", (string)profile["traits"]!["plan"]!); // a later, honest event is not outranked by a claim of year 9999
        var first = (await node.Admin.EventsAsync(profile.Id())).Last()!;
        Assert.InRange(DateTimeOffset.Parse((string)first["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal("9999-06-01T00:00:00Z", (string)first["message"]!["originalTimestamp"]!);
    }

    [GeneratedRegex("<(?<url>[^>]+/e/u/[^>]+)>")]
    private static partial Regex UnsubscribeHeader();

    [Fact]
    public async Task Unsubscribing_wins_over_an_event_sourced_consent_dated_in_9999()
    {
        // The clamp is turned off (a tolerance of ~8,000 years) so that the year-9999 answer is kept as dated, as data
        // logged before the clamp existed would be: only the authority of the unsubscribe can override it.
        await using var node = await StartAsync(new()
        {
            ["TAILOR_FUTURE_TOLERANCE"] = "300000000000",
            ["TAILOR_SMTP"] = SmtpSink.Address,
        });
        var email = SmtpSink.NewRecipient("consent9999");
        await node.Ingest.SendAsync("/v1/identify", new
        {
            userId = "consent-9999", timestamp = "9999-01-01T00:00:00Z",
            traits = new { email, cohort = "c9999", consent = new { email = true } },
        });
        await node.CaughtUpAsync();
        using (var s = await node.Admin.PostObjectAsync("/api/segments", new { name = "Consent 9999", rule = "trait cohort = \"c9999\"" }))
            await s.ShouldBeAsync(HttpStatusCode.Created);
        await node.Admin.WaitForSegmentsAsync("consent-9999", names => names.Contains("Consent 9999"));
        using (var t = await node.Admin.PostObjectAsync("/api/templates", new { name = "news9999", body = "Hello", subject = "News" }))
            await t.ShouldBeAsync(HttpStatusCode.Created);
        string campaign;
        using (var c = await node.Admin.PostObjectAsync("/api/campaigns", new { name = "News 9999", template = "news9999", segment = "Consent 9999" }))
        {
            await c.ShouldBeAsync(HttpStatusCode.Created);
            campaign = (string)(await c.JsonAsync())["id"]!;
        }
        using (var send = await node.Admin.PostObjectAsync($"/api/campaigns/{campaign}/send", new { })) await send.ShouldBeAsync(HttpStatusCode.Accepted);
        var mail = (await SmtpSink.WaitForAsync(email)).Single();
        var unsubscribe = UnsubscribeHeader().Match(mail.Headers["List-Unsubscribe"]!).Groups["url"].Value;

        using var anonymous = new HttpClient();
        using (var oneClick = await anonymous.PostAsync(unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), Ct))
            await oneClick.ShouldBeAsync(HttpStatusCode.OK);
        await node.CaughtUpAsync();

        var consent = (await node.Admin.LookupAsync("userId", "consent-9999"))["consent"]!["email"]!;
        Assert.False((bool)consent["granted"]!);
        Assert.Equal("api", (string)consent["source"]!);
    }

    [Fact]
    public async Task A_messageId_is_deduplicated_per_source()
    {
        await using var node = await StartAsync();
        string secondKey;
        using (var created = await node.Admin.PostObjectAsync("/api/sources", new { name = "mobile" }))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            secondKey = (string)(await created.JsonAsync())["writeKey"]!;
        }
        using var mobile = Client(node.Process.BaseAddress, TailorAppFixture.BasicAuth(secondKey));
        var message = new { userId = "deduped", messageId = "same-id", @event = "Order Completed", properties = new { revenue = 1 } };

        var answers = new[]
        {
            await node.Ingest.SendAsync("/v1/track", message),
            await mobile.SendAsync("/v1/track", message),
            await mobile.SendAsync("/v1/batch", new { batch = new[] { new { type = "track", message.userId, message.messageId, message.@event } } }),
            await node.Ingest.SendAsync("/v1/track", message),
        };

        Assert.Equal([1, 1, 0, 0], answers.Select(a => (int)a["accepted"]!));
        Assert.Equal([0, 0, 1, 1], answers.Select(a => (int)a["duplicates"]!));
        await node.CaughtUpAsync();
        var profile = await node.Admin.LookupAsync("userId", "deduped");
        Assert.Equal(2L, (long)profile["computed"]!["orderCount"]!);
        Assert.Equal(2, (await node.Admin.EventsAsync(profile.Id())).Count);
    }

    [Fact]
    public async Task A_blocked_event_is_set_aside_and_after_the_schema_is_fixed_a_replay_puts_it_on_the_profile()
    {
        await using var node = await StartAsync();
        using (var put = await node.Admin.PutAsync("/api/tracking-plan/events/Order%20Completed", Json("""
            {"type": "object", "required": ["revenue"], "properties": {"revenue": {"type": "number"}, "currency": {"type": "string", "maxLength": 3}}}
            """), Ct))
            await put.ShouldBeAsync(HttpStatusCode.Created);
        using (var mode = await node.Admin.PutObjectAsync("/api/tracking-plan/sources/default", new { mode = "block" }))
            await mode.ShouldBeAsync(HttpStatusCode.OK);

        var answer = await node.Ingest.SendAsync("/v1/batch", new
        {
            batch = new object[]
            {
                new { type = "track", userId = "planned", @event = "Order Completed", properties = new { revenue = 10, currency = "EUR" } },
                new { type = "track", userId = "planned", @event = "Order Completed", messageId = "blocked-1", properties = new { revenue = 20, currency = "euro" } },
            },
        });

        Assert.Equal(1, (int)answer["accepted"]!);
        var blocked = Assert.Single(answer["blocked"]!.AsArray())!;
        Assert.Equal((1, "blocked-1"), ((int)blocked["index"]!, (string)blocked["messageId"]!));
        Assert.Equal("properties.currency", (string)blocked["violations"]![0]!["field"]!);
        var letterId = (long)blocked["deadLetterId"]!;
        var status = await node.CaughtUpAsync();
        Assert.Equal(1L, (long)status["deadLetters"]!);
        var letter = await node.Admin.GetObjectAsync($"/api/dead-letters/{letterId}");
        Assert.Equal(("tracking-plan", "blocked-1"), ((string)letter["stage"]!, (string)letter["key"]!));
        Assert.Contains("properties.currency", (string)letter["reason"]!, StringComparison.Ordinal);
        Assert.Equal(1L, (long)(await node.Admin.LookupAsync("userId", "planned"))["computed"]!["orderCount"]!);

        // Replaying before the fix changes nothing: it still breaks the plan and stays pending.
        using (var early = await node.Admin.PostObjectAsync($"/api/dead-letters/{letterId}/replay", new { }))
            await early.ShouldBeAsync(HttpStatusCode.UnprocessableEntity);
        using (var fix = await node.Admin.PutAsync("/api/tracking-plan/events/Order%20Completed", Json("""
            {"type": "object", "required": ["revenue"], "properties": {"revenue": {"type": "number"}, "currency": {"type": "string"}}}
            """), Ct))
            await fix.ShouldBeAsync(HttpStatusCode.OK);
        using (var replay = await node.Admin.PostObjectAsync($"/api/dead-letters/{letterId}/replay", new { }))
        {
            await replay.ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal("replayed", (string)(await replay.JsonAsync())["status"]!);
        }
        using (var again = await node.Admin.PostObjectAsync($"/api/dead-letters/{letterId}/replay", new { }))
            Assert.Equal("already-replayed", (string)(await again.JsonAsync())["status"]!);

        await node.CaughtUpAsync();
        var profile = await node.Admin.LookupAsync("userId", "planned");
        Assert.Equal(2L, (long)profile["computed"]!["orderCount"]!);
        Assert.Equal(30m, (decimal)profile["computed"]!["totalRevenue"]!);
        Assert.Contains("blocked-1", (await node.Admin.EventsAsync(profile.Id())).MessageIds());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
