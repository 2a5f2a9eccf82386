using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Tailor.Server.Tests.Hosting;

using static Tailor.Server.Tests.Cluster.ClusterTestNodes;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// Two nodes of a cluster (one PostgreSQL, a real RabbitMQ, real clocks): one folds a profile change, the other
/// serves <c>/v1/personalize</c> from its warm cache. The change reaches the other node's cache through the broker, so
/// it serves the new variant within 1 s of the fold (without the notice it would serve the cached one for 30 s).
/// </summary>
public sealed class CacheAcrossNodesTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ClusterTestNodes _nodes = new("cache", "wk_cache_nodes", "tk_admin_cache_nodes", LogLevel.Warning);

    [Fact]
    public async Task A_profile_folded_on_one_node_is_served_fresh_by_another_within_a_second()
    {
        var rabbit = ClusterTestNodes.RabbitMqOrSkip();
        await _nodes.CreateDatabaseAsync();
        var exchanges = $"tailor-test-{Guid.NewGuid():N}";
        var first = await _nodes.StartAsync(rabbit, exchanges);
        var second = await _nodes.StartAsync(rabbit, exchanges);
        // Settled: both nodes hold their share (the first node gives partitions back when the second joins), so the
        // profile fold does not move to the reading node in the middle of the test.
        await UntilAsync(() => Task.FromResult(Holder(first, second) is not null && Link(first).Connected && Link(second).Connected
                && Membership(first).Held.Count > 0 && Membership(second).Held.Count > 0),
            TimeSpan.FromSeconds(20), "both nodes linked to the broker, each holding its share, and the profile fold held by one of them");
        var folder = Holder(first, second)!;
        var reader = folder == first ? second : first;

        var (readerIngest, readerAdmin) = _nodes.Clients(reader);
        var (folderIngest, folderAdmin) = _nodes.Clients(folder);
        var placement = await PlacementAsync(folderAdmin);
        var secret = (string)(await readerAdmin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        var query = $"placement={placement}&userId=ann&userHash={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "ann"u8.ToArray()))}";

        await folderIngest.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan = "free", consent = new { personalization = true } } });
        await UntilAsync(async () => await PersonalizeAsync(readerIngest, query) is var r && (bool)r["personalized"]! && (string)r["content"]! == "Spring sale", TimeSpan.FromSeconds(20),
            "the reading node knows ann (free plan) and keeps her warm");
        var before = Link(reader).Received;

        await readerIngest.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan = "pro" } });
        await UntilAsync(async () => (long)(await folderAdmin.GetObjectAsync("/api/pipeline"))["lag"]! == 0, TimeSpan.FromSeconds(20), "the change folded");
        var folded = Stopwatch.StartNew();
        await UntilAsync(async () => (string)(await PersonalizeAsync(readerIngest, query))["content"]! == "Pro tips", TimeSpan.FromSeconds(10),
            "the reading node serves the new variant");
        Assert.True(folded.Elapsed <= TimeSpan.FromSeconds(1), $"served the old variant {folded.Elapsed} after the fold (limit 1 s)");
        Assert.True(Link(reader).Received > before, "the change reached the reading node through the broker");

        // Content changed through one node: the other renders it at once, not after its 10-second refresh.
        using (var changed = await folderAdmin.PutAsJsonAsync("/api/blocks/banner", new
        {
            name = "banner",
            variants = new object[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips, new" } },
            @default = new { body = "Spring sale" },
        }, Ct)) await changed.ShouldBeAsync(HttpStatusCode.OK);
        var saved = Stopwatch.StartNew();
        await UntilAsync(async () => (string)(await PersonalizeAsync(readerIngest, query))["content"]! == "Pro tips, new", TimeSpan.FromSeconds(10),
            "the reading node renders the changed block");
        Assert.True(saved.Elapsed <= TimeSpan.FromSeconds(1), $"rendered the old block {saved.Elapsed} after the change (limit 1 s)");
    }

    private static async Task<string> PlacementAsync(HttpClient admin)
    {
        using (var b = await admin.PostObjectAsync("/api/blocks", new
        {
            name = "banner",
            variants = new object[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips" } },
            @default = new { body = "Spring sale" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        using (var p = await admin.PostObjectAsync("/api/placements", new { name = "home_banner", block = "banner" })) await p.ShouldBeAsync(HttpStatusCode.Created);
        return "home_banner";
    }

    private static async Task<JsonObject> PersonalizeAsync(HttpClient ingest, string query)
    {
        using var response = await ingest.GetAsync($"/v1/personalize?{query}", Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        return await response.JsonAsync();
    }

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();
}
