using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// Journey state and timers live only in storage: SIGKILL the real <c>tailor serve</c> while 10,000 journeys wait,
/// restart it, and every journey fires exactly once — counted at a real webhook receiver by idempotency key.
/// Waits are on event time, so the events are stamped to make the timers fall due shortly after the restart.
/// </summary>
public sealed class TriggerCrashTests : IDisposable
{
    private const int Journeys = 10_000;
    private const int BatchSize = 500;
    private static readonly TimeSpan DueAfterSend = TimeSpan.FromSeconds(45);
    private static readonly Dictionary<string, string> AllowLoopbackWebhooks = new() { ["TAILOR_WEBHOOK_ALLOW"] = "127.0.0.1/32" }; // the receiver is on loopback
    private readonly string _data = TempDirectory.Create("trigger-crash");
    private readonly string _writeKey = $"wk_tc_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_tc_{Guid.NewGuid():N}";

    [Fact]
    public async Task Ten_thousand_waiting_journeys_survive_SIGKILL_and_each_fires_exactly_once_after_restart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        string trigger;
        var due = DateTimeOffset.UtcNow + DueAfterSend;
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, AllowLoopbackWebhooks))
        {
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
            using (var created = await admin.PostRawAsync("/api/triggers", """
                {"name": "Crash", "start": {"event": "Product Added"}, "goal": "Order Completed",
                 "steps": [{"wait": "30m"}, {"action": {"webhook": {"url": "RECEIVER/crash", "maxAttempts": 10}}}]}
                """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal)))
            {
                await created.ShouldBeAsync(System.Net.HttpStatusCode.Created);
                trigger = (string)(await created.JsonAsync())["id"]!;
            }
            // Each profile consents, then adds to its cart "30 minutes before the due moment" (event time).
            var added = due - TimeSpan.FromMinutes(30);
            for (var start = 0; start < Journeys; start += BatchSize)
            {
                var batch = new JsonArray();
                for (var i = start; i < start + BatchSize; i++)
                {
                    batch.Add(new JsonObject { ["type"] = "identify", ["userId"] = $"crash-{i}", ["messageId"] = $"crash-id-{i}", ["timestamp"] = Http.Iso(added.AddSeconds(-1)),
                        ["traits"] = new JsonObject { ["consent"] = new JsonObject { ["personalization"] = true } } });
                    batch.Add(new JsonObject { ["type"] = "track", ["event"] = "Product Added", ["userId"] = $"crash-{i}", ["messageId"] = $"crash-add-{i}",
                        ["timestamp"] = Http.Iso(added) });
                }
                using var response = await ingest.PostRawAsync("/v1/batch", new JsonObject { ["batch"] = batch }.ToJsonString());
                await response.ShouldBeAsync(System.Net.HttpStatusCode.OK);
            }
            var stats = await WaitForStatsAsync(admin, trigger, s => Count(s, "runs", "waiting") == Journeys, TimeSpan.FromMinutes(2));
            Assert.True(DateTimeOffset.UtcNow < due, $"The journeys were not all waiting before they fell due; raise {nameof(DueAfterSend)}: {stats.ToJsonString()}");
            Assert.Empty(receiver.Requests);
            await tailor.KillAsync();
        }

        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, AllowLoopbackWebhooks))
        {
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            var stats = await WaitForStatsAsync(admin, trigger, s => Count(s, "deliveries", "sent") == Journeys, due - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2));
            Assert.Equal(Journeys, Count(stats, "runs", "completed"));
            await Task.Delay(1000, TestContext.Current.CancellationToken); // room for any (wrong) second firing to show
            var requests = receiver.Requests.ToArray();
            Assert.Equal(Journeys, requests.Select(r => r.IdempotencyKey).Distinct().Count());
            Assert.Equal(Journeys, requests.Length);
            var lateness = requests.Select(r => DateTimeOffset.FromUnixTimeSeconds(long.Parse(r.Timestamp!, CultureInfo.InvariantCulture)) - due.AddSeconds(-1)).ToArray();
            Assert.All(lateness, l => Assert.True(l >= TimeSpan.Zero, "no journey fires before its due time"));
        }
    }

    private static long Count(JsonObject stats, string kind, string status) => stats[kind]?[status] is { } n ? (long)n : 0;

    private static async Task<JsonObject> WaitForStatsAsync(HttpClient admin, string trigger, Func<JsonObject, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stats = await admin.GetObjectAsync($"/api/triggers/{trigger}/stats");
            if (done(stats)) return stats;
            if (clock.Elapsed > timeout) Assert.Fail($"Trigger stats did not reach the expected state within {timeout}: {stats.ToJsonString()}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static HttpClient Client(Uri address, AuthenticationHeaderValue auth) => ProcessClient.Client(address, auth, TimeSpan.FromSeconds(60));

    public void Dispose() => TempDirectory.Delete(_data);
}
