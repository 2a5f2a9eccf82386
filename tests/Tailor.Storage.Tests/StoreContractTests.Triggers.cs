using Tailor.Core.Delivery;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset TriggersNow = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static StoredTrigger NewTrigger(string id, bool enabled = true) =>
        new(id, $"name-{id}", """{"name": "x", "start": {"event": "A"}, "steps": [{"wait": "1m"}]}""", enabled, "whsec_1", TriggersNow, TriggersNow);

    private static JourneyRun NewRun(string id, string profile, DateTimeOffset? due, string trigger = "t1") =>
        new(id, trigger, profile, 0, RunStatus.Waiting, TriggersNow, due, null, null, null, 1, """{"properties": {"x": 1}}""");

    private static ExecutionLogEntry LogLine(JourneyRun run, string kind, int second = 0) => new(run.Id, run.TriggerId, run.ProfileId, TriggersNow.AddSeconds(second), "1", kind, kind + " detail");

    [Fact]
    public async Task Triggers_are_saved_listed_and_updated()
    {
        await Store.Triggers.SaveTriggerAsync(NewTrigger("t1"), Ct);
        await Store.Triggers.SaveTriggerAsync(NewTrigger("t2") with { Name = "another" }, Ct);
        await Store.Triggers.SaveTriggerAsync(NewTrigger("t1", enabled: false) with { UpdatedAt = TriggersNow.AddHours(1) }, Ct);

        Assert.Equal(["another", "name-t1"], (await Store.Triggers.ListTriggersAsync(Ct)).Select(t => t.Name));
        var t1 = await Store.Triggers.GetTriggerAsync("t1", Ct);
        Assert.Equal(NewTrigger("t1", enabled: false) with { UpdatedAt = TriggersNow.AddHours(1) }, t1);
        Assert.Null(await Store.Triggers.GetTriggerAsync("nope", Ct));
    }

    [Fact]
    public async Task Every_trigger_save_moves_the_definitions_version_so_other_nodes_reload()
    {
        var before = await Store.Triggers.DefinitionsVersionAsync(Ct);
        await Store.Triggers.SaveTriggerAsync(NewTrigger("t1"), Ct);
        var created = await Store.Triggers.DefinitionsVersionAsync(Ct);
        await Store.Triggers.SaveTriggerAsync(NewTrigger("t1", enabled: false), Ct);
        var disabled = await Store.Triggers.DefinitionsVersionAsync(Ct);

        Assert.True(created > before, "creating a trigger moves the version");
        Assert.True(disabled > created, "changing a trigger moves the version");
        Assert.Equal(disabled, await Store.Triggers.DefinitionsVersionAsync(Ct)); // reading does not
    }

    [Fact]
    public async Task Runs_timers_and_log_commit_together_and_read_back()
    {
        var a = NewRun("r1", "p1", TriggersNow.AddMinutes(5));
        var b = NewRun("r2", "p2", TriggersNow.AddMinutes(1));
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(a, null), new(b, null)], [LogLine(a, "entered"), LogLine(a, "waiting", 1)], [], [], null), Ct);

        Assert.Equal(TriggersNow.AddMinutes(1), await Store.Triggers.NextDueAsync(Ct));
        Assert.Equal([b], await Store.Triggers.DueRunsAsync(TriggersNow.AddMinutes(2), 10, Ct));
        Assert.Equal([b, a], await Store.Triggers.DueRunsAsync(TriggersNow.AddMinutes(10), 10, Ct));
        Assert.Equal([a], await Store.Triggers.WaitingRunsAsync(["p1", "p3"], Ct));
        Assert.Equal(TriggersNow, (await Store.Triggers.LastEntriesAsync(["p1"], Ct))[("t1", "p1")]);
        Assert.Equal(["entered", "waiting"], (await Store.Triggers.ExecutionLogAsync(["r1"], Ct)).Select(l => l.Kind));

        var done = a with { Status = RunStatus.Completed, DueAt = null, Outcome = "completed", EndedAt = TriggersNow.AddMinutes(5), Version = 2, Step = 1 };
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(done, 1)], [LogLine(done, "completed", 2)], [], [], null), Ct);
        Assert.Equal([done], await Store.Triggers.RunsAsync("t1", "p1", 10, Ct));
        Assert.Empty(await Store.Triggers.WaitingRunsAsync(["p1"], Ct));
    }

    [Fact]
    public async Task A_run_moved_by_another_node_first_fails_the_whole_commit()
    {
        var run = NewRun("r1", "p1", TriggersNow);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(run, null)], [], [], [], null), Ct);
        var fired = run with { Status = RunStatus.Completed, DueAt = null, Version = 2 };
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(fired, 1)], [LogLine(run, "completed")], [], [], null), Ct);

        // A second node read version 1 too: its commit (with its log and delivery) must not land.
        var delivery = new ActionDelivery("r1:2", "r1", "t1", "p1", "email", "{}", DeliveryStatus.Pending, 0, 1, TriggersNow, null, TriggersNow);
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Triggers.CommitJourneysAsync(
            new JourneyCommit([new(fired, 1)], [LogLine(run, "completed")], [delivery], [new Contact("p1", "email", "trigger:t1", TriggersNow)], null), Ct));
        Assert.Single(await Store.Triggers.ExecutionLogAsync(["r1"], Ct));
        Assert.Empty(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow.AddDays(1), 10, DeliveryLane.All, Ct));
        Assert.Equal(0, await Store.Contacts.CountContactsAsync("p1", "email", null, TriggersNow.AddDays(-1), Ct));
    }

    [Fact]
    public async Task Only_one_run_of_a_trigger_waits_per_profile()
    {
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(NewRun("r1", "p1", TriggersNow), null)], [], [], [], null), Ct);
        await Assert.ThrowsAsync<PositionConflictException>(() =>
            Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(NewRun("r2", "p1", TriggersNow), null)], [], [], [], null), Ct));
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(NewRun("r3", "p1", TriggersNow, trigger: "t2"), null)], [], [], [], null), Ct);
        Assert.Equal(2, (await Store.Triggers.WaitingRunsAsync(["p1"], Ct)).Count);
    }

    [Fact]
    public async Task Deliveries_are_inserted_once_per_key_claimed_once_retried_and_dead_lettered()
    {
        var run = NewRun("r1", "p1", null);
        var delivery = new ActionDelivery("r1:2", "r1", "t1", "p1", "webhook", """{"url": "http://x"}""", DeliveryStatus.Pending, 0, 2, TriggersNow, null, TriggersNow);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([new(run, null)], [], [delivery], [new Contact("p1", "webhook", "trigger:t1", TriggersNow)], null), Ct);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([], [], [delivery with { Payload = "{}" }], [], null), Ct); // same key: ignored
        Assert.Equal(1, await Store.Contacts.CountContactsAsync("p1", "webhook", "trigger:t1", TriggersNow.AddDays(-1), Ct));

        var claimed = Assert.Single(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow, 10, DeliveryLane.All, Ct));
        Assert.Equal(delivery with { Status = DeliveryStatus.Sending, Attempts = 1 }, claimed);
        Assert.Empty(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow, 10, DeliveryLane.All, Ct)); // claimed: no second node gets it

        await Store.Triggers.CompleteDeliveriesAsync([new DeliveryResult(claimed.Id, DeliveryStatus.Pending, TriggersNow.AddSeconds(2), "500", LogLine(run, "retry"))], Ct);
        Assert.Equal(TriggersNow.AddSeconds(2), await Store.Triggers.NextDueAsync(Ct));
        Assert.Empty(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow.AddSeconds(1), 10, DeliveryLane.All, Ct));
        var second = Assert.Single(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow.AddSeconds(2), 10, DeliveryLane.All, Ct));
        Assert.Equal(2, second.Attempts);
        await Store.Triggers.CompleteDeliveriesAsync([new DeliveryResult(claimed.Id, DeliveryStatus.Dead, TriggersNow.AddSeconds(2), "500 again", LogLine(run, "dead"))], Ct);

        var dead = Assert.Single(await Store.Triggers.DeadLettersAsync("t1", 10, Ct));
        Assert.Equal(("500 again", 2), (dead.LastError, dead.Attempts));
        Assert.True(await Store.Triggers.RetryDeadLetterAsync(dead.Id, TriggersNow.AddMinutes(1), Ct));
        Assert.False(await Store.Triggers.RetryDeadLetterAsync(dead.Id, TriggersNow.AddMinutes(1), Ct));
        Assert.Empty(await Store.Triggers.DeadLettersAsync(null, 10, Ct));
        Assert.Equal(1, Assert.Single(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow.AddMinutes(1), 10, DeliveryLane.All, Ct)).Attempts);
        Assert.Equal(["retry", "dead"], (await Store.Triggers.ExecutionLogAsync(["r1"], Ct)).Select(l => l.Kind));
    }

    [Fact]
    public async Task Follower_positions_move_only_from_where_they_were()
    {
        Assert.Equal(0, await Store.Positions.PositionAsync("triggers", Ct));
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([], [], [], [], new PositionMove("triggers", 0, 5)), Ct);
        Assert.Equal(5, await Store.Positions.PositionAsync("triggers", Ct));
        await Assert.ThrowsAsync<PositionConflictException>(() => Store.Triggers.CommitJourneysAsync(new JourneyCommit([], [], [], [], new PositionMove("triggers", 0, 7)), Ct));
        Assert.Equal(5, await Store.Positions.PositionAsync("triggers", Ct));
    }

    [Fact]
    public async Task Email_claims_in_its_own_lane()
    {
        ActionDelivery Of(string id, string kind) => new(id, "r1", "t1", "p1", kind, "{}", DeliveryStatus.Pending, 0, 1, TriggersNow, null, TriggersNow);
        await Store.Triggers.CommitJourneysAsync(new JourneyCommit([], [], [Of("r1:1", "email"), Of("r1:2", "webhook"), Of("r1:3", "profile")], [], null), Ct);

        Assert.Equal(["r1:1"], (await Store.Triggers.ClaimDeliveriesAsync(TriggersNow, 10, DeliveryLane.Email, Ct)).Select(d => d.Id));
        Assert.Equal(["r1:2", "r1:3"], (await Store.Triggers.ClaimDeliveriesAsync(TriggersNow, 10, DeliveryLane.NotEmail, Ct)).Select(d => d.Id).Order());
        Assert.Empty(await Store.Triggers.ClaimDeliveriesAsync(TriggersNow, 10, DeliveryLane.All, Ct));
    }
}
