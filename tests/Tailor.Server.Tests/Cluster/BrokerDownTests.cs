using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Tailor.Server.Tests.Hosting;

using static Tailor.Server.Tests.Cluster.ClusterTestNodes;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// The cross-node cache rule with the broker away (docs/scale.md, "What each promise rests on"): a node never serves a
/// profile older than the last folded change plus 1 s. Two nodes (one PostgreSQL, real clocks) reach the real RabbitMQ
/// only through a <see cref="BrokerProxy"/> this test controls (the shared broker is never stopped). The broker is
/// unreachable when the nodes start, comes back, then goes silent without a close (a partition), then is cut; through
/// all of it the nodes take events and fold them, the reading node serves each change within 1 s of its fold (the
/// 30-second cache would serve the old one), and when the broker is back the notices flow again.
/// </summary>
public sealed class BrokerDownTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string WriteKey = "wk_broker_down", AdminKey = "tk_admin_broker_down";
    private readonly ClusterTestNodes _nodes = new("broker-down", WriteKey, AdminKey, LogLevel.Error);
    private BrokerProxy? _proxy;

    [Fact]
    public async Task With_the_broker_unreachable_silent_or_cut_nodes_fold_and_serve_no_profile_older_than_its_fold_plus_a_second_and_link_again_when_it_is_back()
    {
        var rabbit = ClusterTestNodes.RabbitMqOrSkip();
        await _nodes.CreateDatabaseAsync();
        (_proxy, var through) = BrokerProxy.To(rabbit);
        var exchanges = $"tailor-test-{Guid.NewGuid():N}";

        // 1. The broker is unreachable from the start (connection refused): the nodes start, share the work and fold.
        var first = await _nodes.StartAsync(through, exchanges);
        var second = await _nodes.StartAsync(through, exchanges);
        await UntilAsync(() => Task.FromResult(Holder(first, second) is not null && Membership(first).Held.Count > 0 && Membership(second).Held.Count > 0),
            TimeSpan.FromSeconds(20), "both nodes hold their share without a broker");
        Assert.False(Link(first).Connected);
        Assert.False(Link(second).Connected);
        var folder = Holder(first, second)!;
        var reader = folder == first ? second : first;
        var (readerIngest, readerAdmin) = _nodes.Clients(reader);
        var (folderIngest, folderAdmin) = _nodes.Clients(folder);
        using (var ready = await readerAdmin.GetAsync("/health/ready", Ct))
        {
            await ready.ShouldBeAsync(HttpStatusCode.OK); // degraded, still ready: the node works without the broker
            Assert.Equal("Degraded", (string)(await ready.JsonAsync())["checks"]!["cluster"]!["status"]!);
        }
        var query = await PlacementQueryAsync(folderAdmin, readerAdmin);

        await folderIngest.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan = "free", consent = new { personalization = true } } });
        await UntilAsync(async () => await ContentAsync(readerIngest, query) == "Spring sale", TimeSpan.FromSeconds(20), "the reading node knows ann (free plan)");
        await ChangeWithinASecondAsync(readerIngest, folderAdmin, query, "pro", "Pro tips", "broker unreachable");

        // 2. The broker comes back: both nodes link, and a change reaches the reader through it.
        _proxy.Open();
        await UntilAsync(() => Task.FromResult(Link(first).Connected && Link(second).Connected && Link(reader).HearsEveryNode),
            TimeSpan.FromSeconds(30), "both nodes linked again and hearing each other");
        await UntilAsync(async () => await ContentAsync(readerIngest, query) == "Pro tips", TimeSpan.FromSeconds(5), "the reader serves ann (pro)");
        var before = Link(reader).Received;
        await ChangeWithinASecondAsync(readerIngest, folderAdmin, query, "free", "Spring sale", "broker back");
        await UntilAsync(() => Task.FromResult(Link(reader).Received > before), TimeSpan.FromSeconds(5), "the change reached the reader through the broker");

        // 3. The broker goes silent, no close on either side (a partition): the link still looks connected for a while
        // (AMQP heartbeats take tens of seconds), but the reader no longer hears the other node and keeps nothing older than 1 s.
        await UntilAsync(async () => await ContentAsync(readerIngest, query) == "Spring sale", TimeSpan.FromSeconds(5), "the reader serves ann (free) from its cache");
        _proxy.BlackHole();
        await ChangeWithinASecondAsync(readerIngest, folderAdmin, query, "pro", "Pro tips", "broker silent");
        Assert.False(Link(reader).HearsEveryNode);

        // 4. Cut (every connection reset, no new one accepted): the nodes still take and fold events, and the rule holds.
        _proxy.Refuse();
        await UntilAsync(() => Task.FromResult(!Link(first).Connected && !Link(second).Connected), TimeSpan.FromSeconds(30), "both links see the cut");
        await ChangeWithinASecondAsync(readerIngest, folderAdmin, query, "free", "Spring sale", "broker cut");

        // 5. Back once more: the notices flow again.
        _proxy.Open();
        await UntilAsync(() => Task.FromResult(Link(first).Connected && Link(second).Connected && Link(reader).HearsEveryNode),
            TimeSpan.FromSeconds(70), "both nodes linked again after the cut");
        before = Link(reader).Received;
        await ChangeWithinASecondAsync(readerIngest, folderAdmin, query, "pro", "Pro tips", "broker back again");
        await UntilAsync(() => Task.FromResult(Link(reader).Received > before), TimeSpan.FromSeconds(5), "the change reached the reader through the broker again");
    }

    /// <summary>
    /// Sends ann's new plan to the reading node (the other node folds it), waits until the fold is committed, and then
    /// requires the reader to serve the new variant within 1 s. The reader had the old one cached just before.
    /// </summary>
    private static async Task ChangeWithinASecondAsync(HttpClient readerIngest, HttpClient folderAdmin, string query, string plan, string expected, string when)
    {
        Assert.NotEqual(expected, await ContentAsync(readerIngest, query)); // cached: the old variant
        await readerIngest.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan } });
        await UntilAsync(async () => (long)(await folderAdmin.GetObjectAsync("/api/pipeline"))["lag"]! == 0, TimeSpan.FromSeconds(20), $"the change folded ({when})");
        var folded = Stopwatch.StartNew();
        await UntilAsync(async () => await ContentAsync(readerIngest, query) == expected, TimeSpan.FromSeconds(10), $"the reader serves the new variant ({when})");
        Assert.True(folded.Elapsed <= TimeSpan.FromSeconds(1), $"{when}: served the old variant {folded.Elapsed} after the fold (limit 1 s)");
    }

    /// <summary>A block with a variant for the pro plan, on a placement; answers the personalize query for ann.</summary>
    private static async Task<string> PlacementQueryAsync(HttpClient admin, HttpClient readerAdmin)
    {
        using (var b = await admin.PostObjectAsync("/api/blocks", new
        {
            name = "banner",
            variants = new object[] { new { name = "pro", condition = "trait plan = \"pro\"", body = "Pro tips" } },
            @default = new { body = "Spring sale" },
        })) await b.ShouldBeAsync(HttpStatusCode.Created);
        using (var p = await admin.PostObjectAsync("/api/placements", new { name = "home_banner", block = "banner" })) await p.ShouldBeAsync(HttpStatusCode.Created);
        var secret = (string)(await readerAdmin.GetObjectAsync("/api/identity-secret"))["secret"]!;
        return $"placement=home_banner&userId=ann&userHash={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "ann"u8.ToArray()))}";
    }

    private static async Task<string?> ContentAsync(HttpClient ingest, string query)
    {
        using var response = await ingest.GetAsync($"/v1/personalize?{query}", Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var body = await response.JsonAsync();
        return (bool)body["personalized"]! ? (string?)body["content"] : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _nodes.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
    }
}
