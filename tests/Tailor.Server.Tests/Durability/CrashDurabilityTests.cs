using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// The first promise of docs/architecture.md, tested on the real process: an event acknowledged with 2xx is never lost, even if the
/// process is killed right after; and after a restart the pipeline applies every logged event exactly once.
/// </summary>
public sealed class CrashDurabilityTests : IDisposable
{
    private const int Senders = 6;
    private const int BatchSize = 25;
    private const int Users = 40;
    private readonly string _data = TempDirectory.Create("crash");
    private readonly string _writeKey = $"wk_crash_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_crash_{Guid.NewGuid():N}";
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData(1)]
    [InlineData(3)] // the fold split by profile key (docs/scale.md): killed with partitions at different positions
    public async Task Every_acknowledged_event_survives_SIGKILL_and_is_counted_once_after_restart(int foldPartitions)
    {
        IReadOnlyDictionary<string, string>? split = foldPartitions > 1 ? new Dictionary<string, string> { ["Tailor__FoldPartitions"] = $"{foldPartitions}" } : null;
        var acknowledged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var acknowledgedBatches = new ConcurrentQueue<SentBatch>();
        var refusals = new ConcurrentDictionary<int, int>();
        int inFlightAtKill;

        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, split))
        {
            using var client = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
            var inFlight = 0;
            var senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(async () =>
            {
                var random = new Random(sender);
                for (var batchNumber = 0; ; batchNumber++)
                {
                    // Every fifth request is a client retry of a batch already acknowledged.
                    var batch = batchNumber % 5 == 4 && acknowledgedBatches.TryPeek(out var earlier) ? earlier : NewBatch(random, sender, batchNumber);
                    Interlocked.Increment(ref inFlight);
                    try
                    {
                        using var response = await client.PostAsync("/v1/batch", new StringContent(batch.Json, System.Text.Encoding.UTF8, "application/json"));
                        if (!response.IsSuccessStatusCode)
                        {
                            // Refused (a server still starting, or shedding load on a busy machine): as a client, try again.
                            refusals.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                            await Task.Delay(50);
                            continue;
                        }
                        foreach (var messageId in batch.MessageIds) acknowledged.TryAdd(messageId, 0);
                        acknowledgedBatches.Enqueue(batch);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the process is gone; whatever was not acknowledged may or may not be logged
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            })).ToArray();

            // Let the log and the pipeline get busy, then kill mid-stream, with requests on the wire.
            // On a machine busy with other tests the first acknowledgement can take longer: wait for one (at most a minute).
            var clock = Stopwatch.StartNew();
            while (acknowledged.Count < 3000 && (clock.Elapsed < TimeSpan.FromSeconds(5) || acknowledged.IsEmpty) && clock.Elapsed < TimeSpan.FromSeconds(60)
                && !senders.Any(s => s.IsCompleted))
                await Task.Delay(10, TestContext.Current.CancellationToken);
            var settled = clock.Elapsed;
            while (Volatile.Read(ref inFlight) == 0 && clock.Elapsed < settled + TimeSpan.FromSeconds(1)) await Task.Yield();
            inFlightAtKill = Volatile.Read(ref inFlight);
            await tailor.KillAsync();
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.False(acknowledged.IsEmpty, $"Nothing was acknowledged before the kill (refused: {string.Join(", ", refusals.Select(r => $"{r.Key} x{r.Value}"))}):\n{tailor.Output}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged.Count} events acknowledged; {inFlightAtKill} requests in flight at SIGKILL");

        // With the process dead, read the log straight from its SQLite file.
        var logged = await ReadLogAsync();
        var loggedIds = logged.Select(e => e.Event.MessageId).ToHashSet(StringComparer.Ordinal);
        var lost = acknowledged.Keys.Where(id => !loggedIds.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events are missing from the log, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.Equal(logged.Count, loggedIds.Count);

        // Restarted without the setting: it folds as the store is, split or whole.
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));
            var status = await PipelineProgress.WaitUntilCaughtUpAsync(admin);
            Assert.Equal(logged[^1].Sequence, (long)status["logPosition"]!);

            // Every logged event belongs to exactly one live profile, counted once.
            var profiles = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var (type, value) in Enumerable.Range(0, Users).SelectMany(u => new[] { ("userId", UserId(u)), ("anonymousId", AnonymousId(u)) }))
            {
                using var response = await admin.GetResponseAsync($"/api/profiles/lookup?type={type}&value={value}");
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound) continue;
                await response.ShouldBeAsync(System.Net.HttpStatusCode.OK);
                var profile = await response.JsonAsync();
                profiles[profile.Id()] = profile;
            }
            Assert.Equal(logged.Count, profiles.Values.Sum(p => p.EventCount()));
            Assert.Equal(profiles.Count, (long)status["profiles"]!);
            var orders = logged.Count(e => e.Event.Name == "Order Completed");
            Assert.Equal(orders, profiles.Values.Sum(p => (long)p["computed"]!["orderCount"]!));

            // A client retrying an acknowledged batch after the crash is told it was already stored.
            if (acknowledgedBatches.TryPeek(out var retried))
            {
                using var client = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
                using var response = await client.PostRawAsync("/v1/batch", retried.Json);
                await response.ShouldBeAsync(System.Net.HttpStatusCode.OK);
                var answer = await response.JsonAsync();
                Assert.Equal(0, (int)answer["accepted"]!);
                Assert.Equal(BatchSize, (int)answer["duplicates"]!);
            }
        }
    }

    private async Task<IReadOnlyList<Core.Events.LoggedEvent>> ReadLogAsync()
    {
        await using var store = await TailorStores.OpenAsync(_data, null, TestContext.Current.CancellationToken);
        return await store.Events.ReadAfterAsync(0, int.MaxValue, TestContext.Current.CancellationToken);
    }

    /// <summary>A mix that makes the pipeline resolve identities: anonymous views, identifies that link them, orders.</summary>
    private SentBatch NewBatch(Random random, int sender, int batchNumber)
    {
        var messages = new JsonArray();
        var messageIds = new string[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            var user = random.Next(Users);
            var messageId = messageIds[i] = $"crash-{_run}-{sender}-{batchNumber}-{i}";
            messages.Add(random.Next(10) switch
            {
                0 => new JsonObject
                {
                    ["type"] = "identify", ["messageId"] = messageId, ["userId"] = UserId(user), ["anonymousId"] = AnonymousId(user),
                    ["traits"] = new JsonObject { ["email"] = $"{UserId(user)}@example.com", ["batch"] = batchNumber },
                },
                1 or 2 => new JsonObject { ["type"] = "page", ["messageId"] = messageId, ["anonymousId"] = AnonymousId(user), ["name"] = "Catalog" },
                3 => new JsonObject
                {
                    ["type"] = "track", ["messageId"] = messageId, ["userId"] = UserId(user), ["event"] = "Order Completed",
                    ["properties"] = new JsonObject { ["revenue"] = 10 },
                },
                _ => new JsonObject { ["type"] = "track", ["messageId"] = messageId, ["userId"] = UserId(user), ["event"] = "Product Viewed" },
            });
        }
        return new SentBatch(new JsonObject { ["batch"] = messages }.ToJsonString(), messageIds);
    }

    private sealed record SentBatch(string Json, string[] MessageIds);

    private string UserId(int user) => $"crash-{_run}-user-{user}";

    private string AnonymousId(int user) => $"crash-{_run}-anon-{user}";

    private static HttpClient Client(Uri baseAddress, AuthenticationHeaderValue authorization) =>
        ProcessClient.Client(baseAddress, authorization, TimeSpan.FromSeconds(20));

    public void Dispose() => TempDirectory.Delete(_data);
}
