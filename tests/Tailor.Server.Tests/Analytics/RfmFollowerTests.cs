using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Rfm;
using Tailor.Core.Analytics;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using Tailor.Server.Analytics;
using Tailor.Server.Pipeline;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>The rfm follower over SQLite: profiles that get an order are re-scored against the latest run's boundaries, idempotently.</summary>
public sealed class RfmFollowerTests() : SqliteStoreTest("rfm-follower")
{
    private AnalyticsRuns _runs = null!;
    private RfmFollower _follower = null!;

    protected override ValueTask SetUpAsync()
    {
        var scores = new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time);
        _runs = new AnalyticsRuns([new RfmJob(Store.Analytics, scores)], Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        _follower = new RfmFollower(new RfmRescoring(Store.Analytics, Store.Profiles, scores, Time), Store.Segments, Store.Analytics, Store.Positions, Time);
        return ValueTask.CompletedTask;
    }

    private DateTimeOffset DaysAgo(double days) => Time.GetUtcNow().AddDays(-days);

    // As in RfmJobTests: u_i's last order is 10·i days ago, u_i has 6 − i orders of 10·i each.
    private async Task FiveCustomersAsync()
    {
        var events = new List<Tailor.Core.Events.TailorEvent>();
        for (var i = 1; i <= 5; i++) events.Add(Identify(DaysAgo(400), userId: $"u{i}"));
        for (var i = 1; i <= 5; i++)
            for (var k = 0; k < 6 - i; k++)
                events.Add(Track("Order Completed", DaysAgo(10 * i + 30 * k + 0.5), userId: $"u{i}",
                    properties: new JsonObject { ["revenue"] = 10 * i, ["order_id"] = $"o{i}-{k}" }));
        await IngestAsync(ConsentingToProfiling([.. events]));
    }

    /// <summary>Steps the follower until it is idle, then folds what it wrote into profiles.</summary>
    private async Task FollowAsync()
    {
        for (var i = 0; i < 100 && (await _follower.StepAsync(StepMode.Batch, Ct)).Processed > 0; i++) { }
        await IngestAsync();
    }

    private async Task<Dictionary<string, JsonElement>> TraitsOfAsync(string userId)
    {
        var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, userId), Ct))!;
        return profile.Traits.ToDictionary(t => t.Key, t => t.Value.Value);
    }

    private Task<long> RfmPositionAsync() => Store.Positions.PositionAsync(RfmFollower.Stage, Ct);

    [Fact]
    public async Task Without_an_rfm_run_the_follower_only_moves_its_position()
    {
        await FiveCustomersAsync();
        var head = await Store.Events.LastSequenceAsync(Ct);

        await FollowAsync();

        Assert.Equal(await Store.Positions.PositionAsync(Followers.Profiles, Ct), await RfmPositionAsync());
        Assert.Equal(head, await RfmPositionAsync());
        Assert.Equal(head, await Store.Events.LastSequenceAsync(Ct)); // nothing written
        Assert.DoesNotContain("rfm_frequency", (await TraitsOfAsync("u1")).Keys);
        Assert.Equal(0, (await _follower.ProgressAsync(Ct)).Lag);
    }

    [Fact]
    public async Task Without_an_rfm_run_one_step_passes_every_folded_event_unread_and_with_one_it_reads_them_again()
    {
        await FiveCustomersAsync();
        var head = await Store.Events.LastSequenceAsync(Ct);

        // A step of one event covers them all: nothing is read (the first run reads everything folded before it).
        Assert.Equal(head, (await _follower.StepAsync(StepMode.One, Ct)).Processed);
        Assert.Equal(head, await RfmPositionAsync());

        await _runs.RunAsync(RfmJob.KindName, null, null, null, Ct);
        await IngestAsync(); // the run's score events
        var afterRun = await Store.Events.LastSequenceAsync(Ct);
        Assert.True(afterRun > head + 1);
        Assert.Equal(1, (await _follower.StepAsync(StepMode.One, Ct)).Processed);
        Assert.Equal(head + 1, await RfmPositionAsync());
    }

    [Fact]
    public async Task A_new_order_rescores_its_profile_only_and_a_replay_writes_nothing_new()
    {
        await FiveCustomersAsync();
        await FollowAsync(); // no run yet: moves past the history
        var run = (await _runs.RunAsync(RfmJob.KindName, null, null, null, Ct)).Value!;
        await IngestAsync();
        await FollowAsync(); // only the run's own identify events: nothing to re-score
        var before = await RfmPositionAsync();
        var head = await Store.Events.LastSequenceAsync(Ct);
        Assert.Equal(head, before);

        Time.Advance(TimeSpan.FromHours(1));
        await IngestAsync(Track("Order Completed", Time.GetUtcNow(), userId: "u5", properties: new JsonObject { ["revenue"] = 50 }),
            Track("Product Viewed", Time.GetUtcNow(), userId: "u3"));
        // While another rfm run is running the order waits for it (its write-back would overwrite a re-score).
        var running = run with { Id = "run_running", Status = AnalyticsRunStatus.Running, StartedAt = Time.GetUtcNow(), FinishedAt = null, Result = null };
        await Store.Analytics.SaveRunAsync(running, null, Ct);
        await FollowAsync();
        Assert.Equal(before, await RfmPositionAsync());
        await Store.Analytics.SaveRunAsync(running with { Status = AnalyticsRunStatus.Failed, Error = "interrupted" }, null, Ct);
        await FollowAsync();

        // Boundaries of the run: recency 10/20/30/40 days, frequency 1/2/3/4, monetary 50/50/80/80. u5 now: 0 days,
        // 2 orders, 100 spent → R 5, F 2, M 5: Potential Loyalists (it was 50 days, 1 order, 50: R 1, F 1, M 2, Lost).
        var u5 = await TraitsOfAsync("u5");
        Assert.Equal((0, 2, 100.0), (u5["rfm_recency_days"].GetInt32(), u5["rfm_frequency"].GetInt32(), u5["rfm_monetary"].GetDouble()));
        Assert.Equal((5, 2, 5, 525, "Potential Loyalists"), (u5["rfm_r"].GetInt32(), u5["rfm_f"].GetInt32(), u5["rfm_m"].GetInt32(), u5["rfm_score"].GetInt32(), u5["rfm_group"].GetString()));
        Assert.Equal((run.Id, "rfm quintiles (re-scored)"), (u5["rfm_model"].GetProperty("version").GetString(), u5["rfm_model"].GetProperty("model").GetString()));
        // u3 viewed a product, no order: untouched, still the run's scores.
        var u3 = await TraitsOfAsync("u3");
        Assert.Equal((30, 3, 90.0, "Need Attention"), (u3["rfm_recency_days"].GetInt32(), u3["rfm_frequency"].GetInt32(), u3["rfm_monetary"].GetDouble(), u3["rfm_group"].GetString()));
        Assert.Equal("rfm quintiles", u3["rfm_model"].GetProperty("model").GetString());
        var after = await Store.Events.LastSequenceAsync(Ct);
        Assert.Equal(head + 3, after); // the two events sent and one score event

        // A replay from the older position (a crash before the position moved) appends nothing, even a day later.
        await Store.Analytics.MovePositionAsync(new PositionMove(RfmFollower.Stage, await RfmPositionAsync(), before), null, Ct);
        Time.Advance(TimeSpan.FromDays(1));
        await FollowAsync();

        Assert.Equal(after, await Store.Events.LastSequenceAsync(Ct));
        Assert.Equal(after, await RfmPositionAsync());
        Assert.Equal(0, (await TraitsOfAsync("u5"))["rfm_recency_days"].GetInt32());
    }

    [Fact]
    public async Task An_order_from_a_run_that_read_other_names_is_not_rescored()
    {
        await FiveCustomersAsync();
        await _runs.RunAsync(RfmJob.KindName, JsonDocument.Parse("""{"orderEvent":"Purchase"}""").RootElement.Clone(), null, null, Ct);
        await IngestAsync();
        await FollowAsync();
        var head = await Store.Events.LastSequenceAsync(Ct);

        await IngestAsync(Track("Order Completed", Time.GetUtcNow(), userId: "u5", properties: new JsonObject { ["revenue"] = 50 }));
        await FollowAsync();

        Assert.Equal(head + 1, await Store.Events.LastSequenceAsync(Ct));
        Assert.Equal(head + 1, await RfmPositionAsync());
        Assert.DoesNotContain("rfm_frequency", (await TraitsOfAsync("u5")).Keys);
    }
}
