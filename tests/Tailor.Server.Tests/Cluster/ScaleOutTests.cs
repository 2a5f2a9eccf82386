using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// Three real <c>tailor serve</c> processes on one PostgreSQL with RabbitMQ between them (docs/scale.md). A load
/// generator sends to whichever node is up — identities that merge, buyers, timed segment windows and journeys that
/// wait — while one node is SIGKILLed at random, restarted, and another SIGKILLed for good. Afterwards, counted in the
/// database independently of Tailor: every acknowledged event is in exactly one live profile, once (each profile's
/// event count equals the events assigned to it); the buyers segment equals a recompute by SQL over the log; every
/// segment window closed exactly once; every journey's timer fired exactly once (one webhook per journey).
/// </summary>
public sealed class ScaleOutTests : IAsyncDisposable
{
    private const int Journeys = 120;    // identify (consent) + Product Added; a 1-minute wait, then a webhook
    private const int Viewers = 150;     // one "Viewed" each, in a 1-minute window that closes during the run
    private const int Merged = 150;      // a known user and an anonymous visitor, linked by a later identify
    private const int Rounds = 24;       // rounds of batches spread over the run; the kills happen between them
    private const int FoldPartitions = 4; // the fold split by profile key: merges cross partitions, and nodes die holding them
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(100);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _writeKey = $"wk_scale_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_scale_{Guid.NewGuid():N}";
    private readonly TailorProcess?[] _nodes = new TailorProcess?[3];
    private readonly string?[] _nodeIds = new string?[3];
    private readonly List<string> _dataDirectories = [];
    private PostgresTestDatabase? _database;
    private string _rabbit = "";
    private readonly string _exchanges = $"tailor-test-{Guid.NewGuid():N}";
    // Every node of a cluster holds the same privacy key ring (docs/scale.md): one data store, one set of keys.
    private readonly string _privacyKeys = Tailor.Core.Privacy.PrivacyKeyRing.Generate().ToJson();

    [Fact]
    public async Task Three_nodes_survive_two_kills_and_a_restart_with_every_event_folded_once_memberships_exact_and_timers_fired_once()
    {
        _rabbit = Environment.GetEnvironmentVariable("TAILOR_TEST_RABBITMQ") ?? "";
        if (_rabbit.Length == 0)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail("TAILOR_TEST_RABBITMQ is not set: on CI the scale-out test must run.");
            Assert.Skip("Scale-out test skipped: set TAILOR_TEST_RABBITMQ and TAILOR_TEST_POSTGRES (scripts/test.sh does).");
        }
        _database = await PostgresTestDatabase.CreateAsync("scale");
        await using var receiver = await WebhookReceiver.StartAsync();

        await StartNodeAsync(0); // alone first: it applies the migrations and creates the keys
        await Task.WhenAll(StartNodeAsync(1), StartNodeAsync(2));
        await UntilAsync(async () => (await ClusterAsync()).Nodes.Count(n => n.Up) == 3 && (await ClusterAsync()).Unowned == 0,
            TimeSpan.FromSeconds(30), "three nodes up and every partition held");
        var partitions = (await ClusterAsync()).Partitions.Select(p => p.Name).ToList();
        Assert.Contains("identities", partitions); // the fold runs split: the identity stage and each partition held by a node
        Assert.All(Enumerable.Range(0, FoldPartitions), k => Assert.Contains($"profiles/{k}", partitions));

        using var admin = AdminOf(0);
        var buyers = await CreateAsync(admin, "/api/segments", """{"name": "Buyers", "rule": "performed \"Order Completed\""}""");
        var browsing = await CreateAsync(admin, "/api/segments", """{"name": "Browsing", "rule": "performed \"Viewed\" in last 1 minute"}""");
        await CreateAsync(admin, "/api/triggers", """
            {"name": "Cart", "start": {"event": "Product Added"},
             "steps": [{"wait": "1m"}, {"action": {"webhook": {"url": "RECEIVER/cart", "maxAttempts": 10}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));

        // Stamped so the windows close and the waits fall due 50 s from now: during the run, with nodes dying.
        var closes = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(50);
        var batches = Load(closes - TimeSpan.FromMinutes(1));
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(15);
        var (firstKill, restart, secondKill) = (Rounds / 4, Rounds / 2, 3 * Rounds / 4);
        int? down = null;
        var perRound = (batches.Count + Rounds - 1) / Rounds;
        for (var round = 0; round < Rounds; round++)
        {
            if (round == firstKill || round == secondKill)
            {
                var alive = Enumerable.Range(0, 3).Where(i => _nodes[i] is not null).ToArray();
                var victim = alive[random.Next(alive.Length)];
                await _nodes[victim]!.KillAsync(); // SIGKILL, mid-run: nothing flushed, nothing released
                await _nodes[victim]!.DisposeAsync();
                _nodes[victim] = null;
                down = victim;
                await UntilAsync(async () => (await ClusterAsync()).OwnedBy(_nodeIds[victim]!) == 0 && (await ClusterAsync()).Unowned == 0,
                    TimeSpan.FromSeconds(20), $"the partitions of killed node {victim} move to the others");
            }
            else if (round == restart && down is { } revived)
            {
                await StartNodeAsync(revived);
                down = null;
            }
            foreach (var batch in batches.Skip(round * perRound).Take(perRound))
                await SendAsync(batch, acknowledged, random);
            await Task.Delay(1000, Ct); // the load is spread over the run: the kills land between sends and folds
        }
        Assert.Equal(batches.Sum(b => b.Count), acknowledged.Count); // every batch got through to some node in the end

        // Quiet: every stage caught up, every window closed, every journey fired.
        var journeysFired = await UntilCountOrTimeAsync(() => receiver.Requests.Count, Journeys);
        await UntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM segment_members WHERE segment_id = @s", ("s", browsing)) == 0
            && await CaughtUpAsync(), Settle, "every stage caught up and every browsing window closed");
        await Task.Delay(1500, Ct); // room for any (wrong) second firing to show

        // Every acknowledged event: in the log once, assigned to one live profile.
        var ids = acknowledged.ToArray();
        Assert.Equal(ids.Length, await ScalarAsync("SELECT COUNT(*) FROM event_log WHERE message_id = ANY(@ids)", ("ids", ids)));
        Assert.Equal(ids.Length, await ScalarAsync("""
            SELECT COUNT(*) FROM event_log l JOIN event_profiles a ON a.seq = l.seq JOIN profiles p ON p.id = a.profile_id
            WHERE l.message_id = ANY(@ids) AND p.merged_into IS NULL
            """, ("ids", ids)));
        // ... and folded into it once: each live profile counts exactly the events assigned to it.
        Assert.Equal(0, await ScalarAsync("""
            SELECT COUNT(*) FROM profiles p
            WHERE p.merged_into IS NULL AND (p.computed->>'eventCount')::bigint <> (SELECT COUNT(*) FROM event_profiles a WHERE a.profile_id = p.id)
            """));
        // Each known user and its anonymous visitor became one profile.
        Assert.Equal(Merged, await ScalarAsync("""
            SELECT COUNT(DISTINCT a.profile_id) FROM event_log l JOIN event_profiles a ON a.seq = l.seq WHERE l.user_id LIKE 'buyer-%' OR l.anonymous_id LIKE 'anon-%'
            """));

        // Buyers equals a recompute over the log, by SQL.
        var members = await ListAsync("SELECT profile_id FROM segment_members WHERE segment_id = @s ORDER BY 1", ("s", buyers));
        var recomputed = await ListAsync("""
            SELECT DISTINCT a.profile_id FROM event_log l JOIN event_profiles a ON a.seq = l.seq JOIN profiles p ON p.id = a.profile_id
            WHERE l.type = 'track' AND l.name = 'Order Completed' AND p.merged_into IS NULL ORDER BY 1
            """);
        Assert.Equal(Merged, recomputed.Count);
        Assert.Equal(recomputed, members);

        // Every journey's wait fired once: one webhook per journey, no idempotency key twice.
        var requests = receiver.Requests.ToArray();
        Assert.Equal(journeysFired, requests.Length);
        Assert.Equal(requests.Length, requests.Select(r => r.IdempotencyKey).Distinct().Count()); // none fired twice

        // Every browsing window opened once and closed once (a timer fired twice would record a second exit).
        var windows = await ListAsync("""
            SELECT profile_id || ':' || string_agg(CASE WHEN entered THEN 'in' ELSE 'out' END, ',' ORDER BY id) FROM segment_history
            WHERE segment_id = @s GROUP BY profile_id
            """, ("s", browsing));
        Assert.All(windows, w => Assert.EndsWith(":in,out", w, StringComparison.Ordinal)); // none closed twice
        // Every window and every journey: none lost. (On a quiet machine 14 journeys and up to 18 windows were lost, about
        // the first batch's share: a node ran its stage with the definitions it had loaded before the segments and the
        // trigger were created through node 0. DefinitionsFromAnotherNodeTests holds that case on one node.)
        Assert.Equal(Viewers, windows.Count);
        Assert.Equal(Journeys, journeysFired);
    }

    /// <summary>The messages of the run, in batches of 50: every message carries its own id.</summary>
    private static List<List<JsonObject>> Load(DateTimeOffset stamped)
    {
        var timed = new List<JsonObject>();
        var consent = new JsonObject { ["consent"] = new JsonObject { ["personalization"] = true } };
        for (var i = 0; i < Journeys; i++)
        {
            timed.Add(Message("identify", $"journey-{i}", null, $"j-id-{i}", stamped.AddSeconds(-1), traits: consent.DeepClone().AsObject()));
            timed.Add(Message("track", $"journey-{i}", null, $"j-add-{i}", stamped, "Product Added"));
        }
        for (var i = 0; i < Viewers; i++) timed.Add(Message("track", $"viewer-{i}", null, $"v-{i}", stamped, "Viewed"));
        var now = DateTimeOffset.UtcNow;
        var messages = new List<JsonObject>();
        var late = new List<JsonObject>();
        for (var i = 0; i < Merged; i++)
        {
            // The known user and the anonymous visitor each get a profile; the identify that links them comes later in the run.
            messages.Add(Message("track", $"buyer-{i}", null, $"b-page-{i}", now, "Page Seen"));
            messages.Add(Message("track", null, $"anon-{i}", $"a-order-{i}", now, "Order Completed"));
            messages.Add(Message("track", null, $"anon-{i}", $"a-page-{i}", now, "Page Seen"));
            late.Add(Message("identify", $"buyer-{i}", $"anon-{i}", $"link-{i}", now.AddSeconds(1)));
            late.Add(Message("track", $"buyer-{i}", null, $"b-after-{i}", now.AddSeconds(2), "Page Seen"));
        }
        // Shuffled with a seed; the timed ones first (they must be folded before their windows close), the links after what they link.
        var random = new Random(17);
        var ordered = timed.OrderBy(_ => random.Next()).Concat(messages.OrderBy(_ => random.Next())).Concat(late.OrderBy(_ => random.Next())).ToList();
        return [.. ordered.Chunk(50).Select(c => c.ToList())];
    }

    private static JsonObject Message(string type, string? userId, string? anonymousId, string messageId, DateTimeOffset at, string? name = null, JsonObject? traits = null)
    {
        var m = new JsonObject { ["type"] = type, ["messageId"] = messageId, ["timestamp"] = Http.Iso(at) };
        if (userId is not null) m["userId"] = userId;
        if (anonymousId is not null) m["anonymousId"] = anonymousId;
        if (name is not null) m["event"] = name;
        if (traits is not null) m["traits"] = traits;
        return m;
    }

    /// <summary>Sends a batch to a node that is up, as an SDK would: on a failure, the same batch (same ids) to another.</summary>
    private async Task SendAsync(List<JsonObject> batch, HashSet<string> acknowledged, Random random)
    {
        var body = new JsonObject { ["batch"] = new JsonArray([.. batch.Select(m => m.DeepClone())]) }.ToJsonString();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var up = Enumerable.Range(0, 3).Where(i => _nodes[i] is not null).ToArray();
            var node = _nodes[up[random.Next(up.Length)]]!;
            try
            {
                using var ingest = ProcessClient.Client(node.BaseAddress, TailorAppFixture.BasicAuth(_writeKey), TimeSpan.FromSeconds(30));
                using var response = await ingest.PostRawAsync("/v1/batch", body);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var m in batch) acknowledged.Add((string)m["messageId"]!);
                    return;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested) { }
            await Task.Delay(200, Ct);
        }
        Assert.Fail("a batch was refused by every node 20 times");
    }

    private async Task StartNodeAsync(int i)
    {
        var data = TempDirectory.Create($"scale-{i}");
        _dataDirectories.Add(data);
        var environment = new Dictionary<string, string>
        {
            ["TAILOR_WEBHOOK_ALLOW"] = "127.0.0.1/32", // the receiver is on loopback
            ["Tailor__Cluster__LeaseDuration"] = "00:00:03",
            ["Tailor__Cluster__Heartbeat"] = "00:00:01",
            ["Tailor__Cluster__ExchangePrefix"] = _exchanges,
            ["Tailor__FoldPartitions"] = FoldPartitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tailor__Privacy__Keys"] = _privacyKeys,
        };
        var node = await TailorProcess.StartAsync(data, _writeKey, _adminKey, environment, ["--postgres", _database!.ConnectionString, "--rabbitmq", _rabbit],
            TimeSpan.FromSeconds(90)); // two start at once, on a shared machine
        _nodes[i] = node;
        using var admin = AdminOf(i);
        var view = await admin.GetObjectAsync("/api/cluster");
        Assert.Equal("cluster", (string)view["mode"]!);
        _nodeIds[i] = (string)view["node"]!;
    }

    private HttpClient AdminOf(int i) => ProcessClient.Client(_nodes[i]!.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey), TimeSpan.FromSeconds(30));

    private static async Task<string> CreateAsync(HttpClient admin, string path, string body)
    {
        using var response = await admin.PostRawAsync(path, body);
        await response.ShouldBeAsync(HttpStatusCode.Created);
        return (string)(await response.JsonAsync())["id"]!;
    }

    private sealed record ClusterState(IReadOnlyList<(string Id, bool Up)> Nodes, IReadOnlyList<(string Name, string? Owner)> Partitions)
    {
        public int Unowned => Partitions.Count(p => p.Owner is null || !Nodes.Any(n => n.Up && n.Id == p.Owner));
        public int OwnedBy(string node) => Partitions.Count(p => p.Owner == node);
    }

    /// <summary><c>GET /api/cluster</c> from the first node that is up.</summary>
    private async Task<ClusterState> ClusterAsync()
    {
        var i = Enumerable.Range(0, 3).First(n => _nodes[n] is not null);
        using var admin = AdminOf(i);
        var view = await admin.GetObjectAsync("/api/cluster");
        return new ClusterState(
            [.. view["nodes"]!.AsArray().Select(n => ((string)n!["nodeId"]!, (string)n["state"]! == "up"))],
            [.. view["partitions"]!.AsArray().Select(p => ((string)p!["name"]!, (string?)p["owner"]))]);
    }

    private async Task<bool> CaughtUpAsync()
    {
        var i = Enumerable.Range(0, 3).First(n => _nodes[n] is not null);
        using var admin = AdminOf(i);
        var pipeline = await admin.GetObjectAsync("/api/pipeline");
        return (long)pipeline["lag"]! == 0 && pipeline["followers"]!.AsArray().All(f => (long)f!["lag"]! == 0);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"not within {timeout}: {what}");
            await Task.Delay(250, Ct);
        }
    }

    /// <summary>Waits until the count reaches <paramref name="expected"/> or <see cref="Settle"/> has passed; answers the count.</summary>
    private static async Task<long> UntilCountOrTimeAsync(Func<long> count, long expected)
    {
        var clock = Stopwatch.StartNew();
        while (count() < expected && clock.Elapsed < Settle) await Task.Delay(250, Ct);
        return count();
    }


    private async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> ListAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var list = new List<string>();
        while (await reader.ReadAsync(Ct)) list.Add(reader.GetString(0));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            if (node is not null) await node.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        foreach (var data in _dataDirectories) TempDirectory.Delete(data);
    }
}
