using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;
using Tailor.Server.Pipeline;
using Tailor.Storage;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// Nodes sharing one PostgreSQL store wake each other with LISTEN/NOTIFY: a node follows an append made elsewhere at
/// once, not at its next poll (ten minutes here, so only a wake-up can explain a prompt answer).
/// </summary>
public sealed class WakeupsAcrossNodesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<FakeClockApp> StartNodeAsync(PostgresTestDatabase database, FakeTimeProvider time) =>
        await FakeClockApp.StartAsync(new TailorServerOptions
        {
            DataDirectory = TempDirectory.Create("wakeups"), Postgres = database.ConnectionString, WriteKey = "wk_wakeups", AdminKey = "tk_admin_wakeups",
            Followers = new FollowerPolicy { PollInterval = TimeSpan.FromMinutes(10) },
        }, time);

    /// <summary>Another node's append: straight into the shared log, announced by a raw NOTIFY as that node's writer would.</summary>
    private static async Task AppendElsewhereAsync(IEventLog otherNode, PostgresTestDatabase database, string userId, DateTimeOffset at)
    {
        await otherNode.AppendAsync([new TailorEvent($"m-{userId}", EventType.Identify, null, userId, null, at, at, "src_elsewhere",
            $$$"""{"type":"identify","userId":"{{{userId}}}","traits":{"plan":"pro"}}""")], Ct);
        await database.ExecuteAsync($"NOTIFY {PostgresWakeups.Channel}, '{FollowerWakeups.Log}'");
    }

    private static async Task UntilProfileAsync(FakeClockApp node, string userId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await node.Admin.GetAsync($"/api/profiles/lookup?type=userId&value={userId}", Ct);
            if (response.StatusCode == HttpStatusCode.OK) return;
            Assert.True(clock.Elapsed < Bound, $"node never folded {userId}: the wake-up did not reach it");
            await Task.Delay(20, Ct);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Bound, $"never: {what}");
            await Task.Delay(20, Ct);
        }
    }

    private static PostgresWakeups WakeupsOf(FakeClockApp node) => node.Services.GetServices<IHostedService>().OfType<PostgresWakeups>().Single();

    [Fact]
    public async Task An_append_announced_by_another_node_is_folded_at_once_not_at_the_next_poll()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("wake");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var node = await StartNodeAsync(database, time);
        await using var otherNode = await TailorStores.OpenAsync(TempDirectory.Create("unused"), database.ConnectionString, Ct);
        await UntilAsync(() => WakeupsOf(node).Listening, "the node listens");

        await AppendElsewhereAsync(otherNode.Events, database, "ann", time.GetUtcNow());
        await UntilProfileAsync(node, "ann");
        // By now the node is idle, waiting: only the announcement can wake it before its ten-minute poll.
        await AppendElsewhereAsync(otherNode.Events, database, "bob", time.GetUtcNow());
        await UntilProfileAsync(node, "bob");
    }

    [Fact]
    public async Task A_node_announces_its_durable_appends_and_the_commits_of_its_followers()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("notify");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var node = await StartNodeAsync(database, time);
        await using var listener = new NpgsqlConnection(database.ConnectionString);
        await listener.OpenAsync(Ct);
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        listener.Notification += (_, e) => heard.Enqueue(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresWakeups.Channel}", listener)) await listen.ExecuteNonQueryAsync(Ct);

        using (var response = await node.Ingest.PostObjectAsync("/v1/identify", new { userId = "cy", traits = new { plan = "pro" } }))
            Assert.True(response.IsSuccessStatusCode);

        var clock = Stopwatch.StartNew();
        while (!(heard.Contains(FollowerWakeups.Log) && heard.Contains(Application.Pipeline.ProfilePipeline.Stage)))
        {
            Assert.True(clock.Elapsed < Bound, $"heard only [{string.Join(", ", heard)}]");
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(TimeSpan.FromMilliseconds(200));
            try { await listener.WaitAsync(wait.Token); }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested) { }
        }
    }

    [Fact]
    public async Task A_dropped_listen_connection_is_opened_again_after_a_backoff_and_hears_again()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("relisten");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var node = await StartNodeAsync(database, time);
        await using var otherNode = await TailorStores.OpenAsync(TempDirectory.Create("unused"), database.ConnectionString, Ct);
        var wakeups = WakeupsOf(node);
        await UntilAsync(() => wakeups.Listening, "the node listens");

        await database.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN {PostgresWakeups.Channel}%'");
        await UntilAsync(() => !wakeups.Listening, "the node notices the dropped connection");
        // The backoff runs on the node's clock: move it until the node has waited it out and listens again.
        var clock = Stopwatch.StartNew();
        while (!wakeups.Listening)
        {
            Assert.True(clock.Elapsed < Bound, "never: the node listens again");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, Ct);
        }

        await AppendElsewhereAsync(otherNode.Events, database, "dee", time.GetUtcNow());
        await UntilProfileAsync(node, "dee");
    }
}
