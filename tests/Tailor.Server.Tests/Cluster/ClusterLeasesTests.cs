using System.Diagnostics;
using Tailor.Server.Cluster;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// The lease table on a real PostgreSQL: a lone node takes every partition; a second node gets its fair share once the
/// first gives back the extra; a partition changes hands only when free or expired, and each change moves its epoch on;
/// a node that stops renewing loses everything to the others after the lease, and a clean stop gives it back at once.
/// </summary>
public sealed class ClusterLeasesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string[] Partitions = ["campaigns", "profiles", "segments", "triggers"];
    private static readonly DateTimeOffset Started = DateTimeOffset.UnixEpoch;

    [Fact]
    public async Task Partitions_are_shared_fairly_change_hands_only_when_expired_and_each_change_moves_the_epoch()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("leases");
        await using (await TailorStores.OpenAsync(TempDirectory.Create("leases"), database.ConnectionString, Ct)) { } // applies the migrations
        var leases = new ClusterLeases(database.ConnectionString);
        await leases.EnsurePartitionsAsync(Partitions, Ct);
        var lease = TimeSpan.FromSeconds(30);

        var a = (await leases.RenewAsync("a", "http://a", "connected", Started, lease, Partitions, Ct)).Held;
        Assert.Equal(Partitions, a.Keys.Order());
        Assert.All(a.Values, epoch => Assert.Equal(1, epoch));

        // b joins: its share is 2, but nothing is free until a gives back what is beyond its own share.
        Assert.Empty((await leases.RenewAsync("b", "http://b", "connected", Started, lease, Partitions, Ct)).Held);
        var round = await leases.RenewAsync("a", "http://a", "connected", Started, lease, Partitions, Ct);
        a = round.Held;
        Assert.Equal(["campaigns", "profiles"], a.Keys.Order());
        Assert.Equal(["a", "b"], round.LiveNodes.Order()); // what the broker link must hear from (BrokerLink.HearsEveryNode)
        var b = (await leases.RenewAsync("b", "http://b", "connected", Started, lease, Partitions, Ct)).Held;
        Assert.Equal(["segments", "triggers"], b.Keys.Order());
        Assert.All(b.Values, epoch => Assert.Equal(2, epoch)); // changed hands once

        // Renewing keeps the epoch: the same holder, the same fence.
        Assert.Equal(a, (await leases.RenewAsync("a", "http://a", "connected", Started, lease, Partitions, Ct)).Held);

        // a stops renewing (killed): with a short lease, b takes a's partitions once they expire, never before.
        var shortLease = TimeSpan.FromMilliseconds(800);
        a = (await leases.RenewAsync("a", "http://a", "connected", Started, shortLease, Partitions, Ct)).Held;
        b = (await leases.RenewAsync("b", "http://b", "connected", Started, shortLease, Partitions, Ct)).Held;
        Assert.Equal(["segments", "triggers"], b.Keys.Order()); // a's leases are still valid
        var aExpires = (await leases.ReadAsync(Ct)).Leases.Single(l => l.Partition == "profiles").ExpiresAt;
        var clock = Stopwatch.StartNew();
        while (b.Count < Partitions.Length)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "b never took the expired partitions");
            await Task.Delay(100, Ct);
            b = (await leases.RenewAsync("b", "http://b", "connected", Started, shortLease, Partitions, Ct)).Held;
        }
        Assert.Equal(2, b["profiles"]); // a, then b: changed hands once more
        var (nodes, all, _) = await leases.ReadAsync(Ct);
        Assert.True(all.Single(l => l.Partition == "profiles").AcquiredAt >= aExpires, "b took profiles before a's lease on it ended");
        Assert.All(all, l => Assert.Equal("b", l.Owner));
        Assert.Equal(["a", "b"], nodes.Select(n => n.NodeId).Order());

        // a clean stop gives everything back at once.
        await leases.ReleaseAsync("b", Ct);
        (_, all, _) = await leases.ReadAsync(Ct);
        Assert.All(all, l => Assert.Null(l.Owner));
    }
}
