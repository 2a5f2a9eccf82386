using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Analytics;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>Analytics runs with their artifacts, and the streamed reads analytics jobs learn from.</summary>
public abstract partial class StoreContractTests
{
    private static JsonElement JsonOf(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task Analytics_runs_are_saved_updated_listed_and_keep_their_artifacts()
    {
        var queued = new AnalyticsRun("run_1", "rfm", AnalyticsRunStatus.Queued, JsonOf("""{"orderEvent":"Order Completed"}"""), At(0), At(1));
        await Store.Analytics.SaveRunAsync(queued, null, Ct);
        var done = queued with { Status = AnalyticsRunStatus.Succeeded, FinishedAt = At(2), Result = JsonOf("""{"customers":3}"""), ProfilesWritten = 3, Promoted = true };
        var chart = new AnalyticsArtifact("elbow.svg", "image/svg+xml", Encoding.UTF8.GetBytes("<svg/>"));
        await Store.Analytics.SaveRunAsync(done, [chart], Ct);
        await Store.Analytics.SaveRunAsync(new AnalyticsRun("run_2", "cluster", AnalyticsRunStatus.Failed, JsonOf("{}"), At(0), At(3), At(4), Error: "parameters.k: must be between 2 and 50"), null, Ct);

        var read = await Store.Analytics.GetRunAsync("run_1", Ct);
        Assert.NotNull(read);
        Assert.Equal((AnalyticsRunStatus.Succeeded, At(2), 3L, true), (read.Status, read.FinishedAt, read.ProfilesWritten, read.Promoted));
        Assert.Equal(3, read.Result!.Value.GetProperty("customers").GetInt32());
        Assert.Equal("Order Completed", read.Parameters.GetProperty("orderEvent").GetString());
        Assert.Equal(["elbow.svg"], read.ArtifactNames!);
        var artifact = await Store.Analytics.GetArtifactAsync("run_1", "elbow.svg", Ct);
        Assert.Equal(("image/svg+xml", "<svg/>"), (artifact!.MediaType, Encoding.UTF8.GetString(artifact.Content)));
        Assert.Null(await Store.Analytics.GetArtifactAsync("run_1", "other.svg", Ct));

        Assert.Equal(["run_2", "run_1"], (await Store.Analytics.ListRunsAsync(null, 10, Ct)).Select(r => r.Id));
        Assert.Equal(["run_2"], (await Store.Analytics.ListRunsAsync("cluster", 10, Ct)).Select(r => r.Id));
        Assert.Equal("parameters.k: must be between 2 and 50", (await Store.Analytics.GetRunAsync("run_2", Ct))!.Error);
        Assert.Equal(["run_2"], (await Store.Analytics.RunsInStatusAsync(AnalyticsRunStatus.Failed, 10, Ct)).Select(r => r.Id));
        Assert.Empty(await Store.Analytics.RunsInStatusAsync(AnalyticsRunStatus.Queued, 10, Ct));
        Assert.Equal("run_1", (await Store.Analytics.LatestPromotedAsync("rfm", Ct))?.Id);
        Assert.Null(await Store.Analytics.LatestPromotedAsync("cluster", Ct));
    }

    [Fact]
    public async Task Analytics_reads_track_events_by_name_before_a_moment_with_the_profile_they_belong_to_after_merges()
    {
        await IngestAsync(
            Track("Order Completed", At(1), anonymousId: "a1", properties: new JsonObject { ["revenue"] = 10 }),
            Track("Product Viewed", At(2), userId: "u2"),
            Track("Order Completed", At(3), userId: "u2", properties: new JsonObject { ["revenue"] = 20 }),
            Identify(At(4), userId: "u1", anonymousId: "a1"),
            Track("Order Completed", At(5), userId: "u1", properties: new JsonObject { ["revenue"] = 30 }),
            Track("Order Completed", At(50), userId: "u1"));
        var u1 = (await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "u1"))).Id;
        var u2 = (await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "u2"))).Id;

        var orders = new List<TrackedEvent>();
        await foreach (var e in Store.Analytics.ReadTracksAsync(["Order Completed"], At(10), Ct)) orders.Add(e);

        Assert.Equal([(u1, 10m), (u2, 20m), (u1, 30m)], orders.Select(o => (o.ProfileId, o.Properties.GetProperty("revenue").GetDecimal())));
        Assert.Equal([At(1), At(3), At(5)], orders.Select(o => o.Timestamp));
        var views = new List<TrackedEvent>();
        await foreach (var e in Store.Analytics.ReadTracksAsync(["Product Viewed", "Order Completed"], At(3), Ct)) views.Add(e);
        Assert.Equal(["Order Completed", "Product Viewed"], views.Select(v => v.Name));
        Assert.Equal(JsonValueKind.Object, views[1].Properties.ValueKind);
    }

    [Fact]
    public async Task Analytics_reads_every_live_profile_with_traits_and_computed_traits()
    {
        await IngestAsync(
            Identify(At(1), userId: "u1", traits: new JsonObject { ["plan"] = "pro" }),
            Track("Order Completed", At(2), userId: "u1", properties: new JsonObject { ["revenue"] = 12.5 }),
            Identify(At(3), userId: "u2"));

        var profiles = new List<ProfileFeatures>();
        await foreach (var p in Store.Analytics.ReadProfilesAsync(Ct)) profiles.Add(p);

        Assert.Equal(2, profiles.Count);
        var u1 = profiles.Single(p => p.Traits.ContainsKey("plan"));
        Assert.Equal(("pro", 1L, 12.5m), (u1.Traits["plan"].GetString(), u1.Computed.OrderCount, u1.Computed.TotalRevenue));
        Assert.Equal(profiles.Select(p => p.Id).Order(StringComparer.Ordinal), profiles.Select(p => p.Id));
    }

    [Fact]
    public async Task Analytics_attributes_a_profile_to_its_first_user_id_or_else_its_anonymous_id()
    {
        await IngestAsync(
            Identify(At(1), anonymousId: "a1"),
            Identify(At(2), userId: "u1", anonymousId: "a1"),
            Identify(At(3), anonymousId: "a2"),
            Identify(At(4), userId: "u3"),
            Alias(At(5), "u3", "a2"));
        var u1 = (await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "u1"))).Id;
        var u3 = (await ProfileOfAsync(new ProfileIdentifier(IdentityTypes.UserId, "u3"))).Id;

        var found = await Store.Analytics.AttributionsAsync([u1, u3, "prof-unknown"], Ct);

        Assert.Equal(new ProfileAttribution("u1", null), found[u1]);
        Assert.Equal(new ProfileAttribution("u3", null), found[u3]);
        Assert.False(found.ContainsKey("prof-unknown"));
    }

    [Fact]
    public async Task Analytics_schedules_are_saved_listed_next_due_first_claimed_once_and_deleted()
    {
        var daily = new AnalyticsSchedule("sch_1", "cluster", JsonOf("""{"k":5}"""), TimeSpan.FromDays(1), At(60), At(0));
        var hourly = new AnalyticsSchedule("sch_2", "recommend", JsonOf("{}"), TimeSpan.FromHours(1), At(30), At(0));
        await Store.Analytics.SaveScheduleAsync(daily, Ct);
        await Store.Analytics.SaveScheduleAsync(hourly, Ct);

        Assert.Equal(["sch_2", "sch_1"], (await Store.Analytics.ListSchedulesAsync(Ct)).Select(s => s.Id));
        Assert.True(await Store.Analytics.ClaimScheduleAsync("sch_2", At(30), At(90), "run_9", Ct));
        Assert.False(await Store.Analytics.ClaimScheduleAsync("sch_2", At(30), At(90), "run_10", Ct));
        var claimed = (await Store.Analytics.ListSchedulesAsync(Ct)).Single(s => s.Id == "sch_2");
        Assert.Equal((At(90), "run_9", TimeSpan.FromHours(1)), (claimed.NextAt, claimed.LastRunId, claimed.Every));
        Assert.Equal(5, (await Store.Analytics.ListSchedulesAsync(Ct)).Single(s => s.Id == "sch_1").Parameters.GetProperty("k").GetInt32());
        Assert.True(await Store.Analytics.DeleteScheduleAsync("sch_1", Ct));
        Assert.False(await Store.Analytics.DeleteScheduleAsync("sch_1", Ct));
        Assert.Equal(["sch_2"], (await Store.Analytics.ListSchedulesAsync(Ct)).Select(s => s.Id));
    }

    [Fact]
    public async Task An_analytics_position_moves_in_its_own_commit_with_its_set_aside_or_not_at_all()
    {
        await Store.Analytics.MovePositionAsync(new PositionMove("rfm", 0, 5), null, Ct);
        var letter = new DeadLetter(0, "rfm", "event:6", null, "{}", "boom", null, 3, At(1));
        await Store.Analytics.MovePositionAsync(new PositionMove("rfm", 5, 6), letter, Ct);

        // A move from a position that is no longer stored (another node moved first) stores nothing, its set-aside included.
        await Assert.ThrowsAsync<PositionConflictException>(() =>
            Store.Analytics.MovePositionAsync(new PositionMove("rfm", 5, 9), letter with { Key = "event:9" }, Ct));
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Analytics.MovePositionAsync(new PositionMove("rfm", 0, 9), null, Ct));

        Assert.Equal(6, await Store.Positions.PositionAsync("rfm", Ct));
        Assert.Equal(["event:6"], (await Store.DeadLetters.ListDeadLettersAsync(new("rfm"), Ct)).Select(d => d.Key));
        Assert.Equal(0, await Store.Positions.PositionAsync(Followers.Profiles, Ct));
    }
}
