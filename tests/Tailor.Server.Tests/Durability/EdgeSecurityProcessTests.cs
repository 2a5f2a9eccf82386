using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Content;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Hosting.ProcessClient;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// The edges of a real <c>tailor serve</c> process, as an attacker and an operator meet them: personalize gives the
/// public write key nothing, CORS for shop pages, webhooks refused on loopback unless allowed, keys revoked and
/// rotated, and the data files private.
/// </summary>
public sealed class EdgeSecurityProcessTests : IDisposable
{
    private readonly string _root = TempDirectory.Create("edges");
    private readonly string _writeKey = $"wk_edges_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_edges_{Guid.NewGuid():N}";

    private string Data => Path.Combine(_root, "data"); // not there yet: tailor serve creates it

    public void Dispose() => TempDirectory.Delete(_root);

    [Fact]
    public async Task Personalize_answers_unknown_and_unconsented_visitors_alike_refuses_unverified_userIds_and_answers_preflights()
    {
        await using var tailor = await TailorProcess.StartAsync(Data, _writeKey, _adminKey);
        using var admin = Client(tailor.BaseAddress, new("Bearer", _adminKey));
        using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
        using (var b = await admin.PostObjectAsync("/api/blocks", new
        {
            name = "hero", variants = new[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips for {{ profile.first_name }}" } },
            @default = new { body = "Spring sale" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        using (var p = await admin.PostObjectAsync("/api/placements", new { name = "home", block = "hero" })) await p.ShouldBeAsync(HttpStatusCode.Created);
        await ingest.SendAsync("/v1/identify", new { userId = "ann", traits = new { first_name = "Ann", plan = "pro", consent = new { personalization = true } } });
        await ingest.SendAsync("/v1/identify", new { userId = "bob", traits = new { first_name = "Bob", plan = "pro", consent = new { personalization = false } } });
        await PipelineProgress.WaitUntilCaughtUpAsync(admin);
        var secret = (string)(await admin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        string Verified(string userId) => $"userId={userId}&userHash={PersonalizeApiTests.UserHash(secret, userId)}";

        var unknown = await ingest.GetObjectAsync($"/v1/personalize?placement=home&{Verified("nobody")}");
        var unconsented = await ingest.GetObjectAsync($"/v1/personalize?placement=home&{Verified("bob")}");
        var unverified = await ingest.GetObjectAsync("/v1/personalize?placement=home&userId=ann");
        var verified = await ingest.GetObjectAsync($"/v1/personalize?placement=home&{Verified("ann")}");

        Assert.True(JsonNode.DeepEquals(unknown, unconsented), $"{unknown.ToJsonString()} vs {unconsented.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(unknown, unverified), $"{unknown.ToJsonString()} vs {unverified.ToJsonString()}");
        Assert.Equal("Spring sale", (string)unknown["content"]!);
        Assert.False(unknown.ContainsKey("reason"));
        Assert.Equal("Pro tips for Ann", (string)verified["content"]!);
        Assert.False(verified.ContainsKey("reason"));

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/personalize");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var answer = await Client(tailor.BaseAddress, null).SendAsync(preflight, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", string.Join(",", answer.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_to_loopback_is_refused_and_in_the_run_log_unless_the_operator_allows_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var definition = """
            {"name": "Internal", "start": {"event": "Product Added"}, "steps": [{"action": {"webhook": {"url": "RECEIVER/internal"}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal);

        await using (var tailor = await TailorProcess.StartAsync(Data, _writeKey, _adminKey))
        {
            var log = await RunOnceAsync(tailor, definition, "ssrf-1");
            Assert.Equal("dead", (string)log["kind"]!);
            Assert.Contains("webhook refused: 127.0.0.1 is loopback", (string)log["detail"]!, StringComparison.Ordinal);
            Assert.Empty(receiver.Requests);
        }

        var allowed = Path.Combine(_root, "allowed");
        await using (var tailor = await TailorProcess.StartAsync(allowed, _writeKey, _adminKey, new Dictionary<string, string> { ["TAILOR_WEBHOOK_ALLOW"] = "127.0.0.1/32" }))
        {
            var log = await RunOnceAsync(tailor, definition, "ssrf-2");
            Assert.Equal("sent", (string)log["kind"]!);
            Assert.Single(receiver.Requests);
        }
    }

    /// <summary>Creates the trigger, starts one run, and returns the webhook step's final log line.</summary>
    private async Task<JsonObject> RunOnceAsync(TailorProcess tailor, string definition, string userId)
    {
        using var admin = Client(tailor.BaseAddress, new("Bearer", _adminKey));
        using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
        string trigger;
        using (var created = await admin.PostRawAsync("/api/triggers", definition))
        {
            await created.ShouldBeAsync(HttpStatusCode.Created);
            trigger = (string)(await created.JsonAsync())["id"]!;
        }
        await ingest.SendAsync("/v1/identify", new { userId, traits = new { consent = new { personalization = true } } });
        await ingest.SendAsync("/v1/track", new { userId, @event = "Product Added" });
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = (await admin.GetObjectAsync($"/api/triggers/{trigger}/runs"))["runs"]!.AsArray();
            var done = runs.SelectMany(r => r!["log"]!.AsArray()).FirstOrDefault(l => (string)l!["kind"]! is "sent" or "dead" or "retry");
            if (done is not null) return done.AsObject();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no delivery outcome within 30 s: {runs.ToJsonString()}\n{tailor.Output}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_a_rotated_one_works_in_its_grace_and_the_data_files_are_private()
    {
        await using var tailor = await TailorProcess.StartAsync(Data, _writeKey, _adminKey);
        using var admin = Client(tailor.BaseAddress, new("Bearer", _adminKey));
        using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
        await ingest.SendAsync("/v1/track", new { userId = "keys", @event = "Before" });

        using (var created = await admin.PostObjectAsync("/api/admin-keys", new { name = "temporary" }))
        {
            var key = await created.JsonAsync();
            using var temporary = Client(tailor.BaseAddress, new("Bearer", (string)key["key"]!));
            await (await temporary.GetResponseAsync("/api/pipeline")).ShouldBeAsync(HttpStatusCode.OK);
            using (var revoked = await admin.PostObjectAsync($"/api/admin-keys/{(string)key["id"]!}/revoke", new { })) await revoked.ShouldBeAsync(HttpStatusCode.OK);
            await (await temporary.GetResponseAsync("/api/pipeline")).ShouldBeAsync(HttpStatusCode.Unauthorized);
        }

        using var rotated = await admin.PostObjectAsync("/api/sources/default/rotate", new { grace = "1h" });
        await rotated.ShouldBeAsync(HttpStatusCode.OK);
        using var successor = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth((string)(await rotated.JsonAsync())["source"]!["writeKey"]!));
        await ingest.SendAsync("/v1/track", new { userId = "keys", @event = "Old key in grace" });
        await successor.SendAsync("/v1/track", new { userId = "keys", @event = "New key" });
        using (var revoked = await admin.PostObjectAsync("/api/sources/default/revoke", new { })) await revoked.ShouldBeAsync(HttpStatusCode.OK);
        using (var refused = await successor.PostObjectAsync("/v1/track", new { userId = "keys", @event = "After revocation" }))
            await refused.ShouldBeAsync(HttpStatusCode.Unauthorized);
        using (var refusedOld = await ingest.PostObjectAsync("/v1/track", new { userId = "keys", @event = "After revocation" }))
            await refusedOld.ShouldBeAsync(HttpStatusCode.Unauthorized);

        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Data));
        foreach (var file in new[] { "tailor.db", "tailor.db-wal", "tailor.db-shm" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Data, file)));
    }
}
