using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;
using static Tailor.Server.Tests.Hosting.ProcessClient;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// The original bug, against the real <c>tailor serve</c>: an identify whose trait holds a lone UTF-16 surrogate
/// (<c>"\ud800"</c>) written into the SQLite event log by SQL, bypassing ingestion. It used to make every pipeline
/// commit fail forever; now it is set aside and everything after it reaches its profile, across a restart too.
/// </summary>
public sealed class PoisonEventTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create("poison");
    private readonly string _writeKey = $"wk_poison_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_poison_{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        TempDirectory.Delete(_data);
        return ValueTask.CompletedTask;
    }

    /// <summary>Polls (wall time: the real process backs off on the real clock) until the user's profile exists.</summary>
    private static async Task<JsonObject> WaitForProfileAsync(HttpClient admin, string userId, TailorProcess tailor)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={userId}");
            if (response.StatusCode == HttpStatusCode.OK) return await response.JsonAsync();
            Assert.False(tailor.HasExited, $"tailor serve died:\n{tailor.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{userId} never reached a profile; pipeline: {(await admin.GetObjectAsync("/api/pipeline")).ToJsonString()}\n{tailor.Output}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_lone_surrogate_in_the_log_is_set_aside_and_later_events_reach_their_profiles_across_a_restart()
    {
        // A migrated store, then the poison written straight into the log, as a bug or another writer could leave it.
        await using (var store = await TailorStores.OpenAsync(_data, null, Ct)) { }
        await using (var db = new SqliteConnection($"Data Source={TailorStores.SqlitePath(_data)};Pooling=False"))
        {
            await db.OpenAsync(Ct);
            await using var insert = db.CreateCommand();
            insert.CommandText = """
                INSERT INTO event_log (message_id, source_id, type, name, user_id, anonymous_id, ts, received_at, payload)
                VALUES ('poison-1', 'src_direct', 'identify', NULL, 'poisoned', NULL, 1767225600000, 1767225600000,
                        '{"type":"identify","messageId":"poison-1","userId":"poisoned","traits":{"name":"\ud800"}}')
                """;
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(Ct));
        }

        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            await ingest.SendAsync("/v1/identify", new { userId = "after-1", traits = new { plan = "pro" } });
            await ingest.SendAsync("/v1/track", new { userId = "after-2", @event = "Order Completed", properties = new { revenue = 10 } });

            Assert.Equal("pro", (string)(await WaitForProfileAsync(admin, "after-1", tailor))["traits"]!["plan"]!);
            await WaitForProfileAsync(admin, "after-2", tailor);
            var status = await PipelineProgress.WaitUntilCaughtUpAsync(admin);
            Assert.Equal(0L, (long)status["lag"]!);
            Assert.Equal(1L, (long)status["deadLetters"]!);
            var profiles = status["followers"]!.AsArray().Single(f => (string)f!["name"]! == "profiles")!;
            Assert.Equal((1L, 0L), ((long)profiles["deadLetters"]!, (long)profiles["lag"]!));

            var letter = (await admin.GetArrayAsync("/api/dead-letters?stage=profiles")).Single()!;
            Assert.Equal("1", (string)letter["key"]!); // the poison was the first event in the log
            Assert.Equal("src_direct", (string)letter["sourceId"]!);
            Assert.Contains("\\ud800", (string)letter["payload"]!, StringComparison.Ordinal);
            Assert.Equal(3, (int)letter["attempts"]!);
            Assert.False(string.IsNullOrEmpty((string?)letter["reason"]), "the reason names the failure");
            using (var missing = await admin.GetResponseAsync("/api/profiles/lookup?type=userId&value=poisoned")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.False(tailor.HasExited, tailor.Output);
        }

        // A restart does not get stuck on it either: the position is past it, and new events are folded at once.
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            await ingest.SendAsync("/v1/identify", new { userId = "after-restart", traits = new { plan = "team" } });
            var clock = Stopwatch.StartNew();
            Assert.Equal("team", (string)(await WaitForProfileAsync(admin, "after-restart", tailor))["traits"]!["plan"]!);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"after a restart the pipeline took {clock.Elapsed} (it must not retry the poison again)");
            var status = await PipelineProgress.WaitUntilCaughtUpAsync(admin);
            Assert.Equal(1L, (long)status["deadLetters"]!);
            Assert.Single(await admin.GetArrayAsync("/api/dead-letters"));
            Assert.False(tailor.HasExited, tailor.Output);
        }
    }
}
