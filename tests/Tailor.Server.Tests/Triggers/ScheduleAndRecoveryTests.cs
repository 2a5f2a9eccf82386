using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Triggers;

namespace Tailor.Server.Tests.Triggers;

/// <summary>Schedule starts, and deliveries left behind by a node that died mid-send.</summary>
public sealed class ScheduleAndRecoveryTests
{
    [Fact]
    public async Task A_daily_schedule_enters_the_profiles_its_rule_matches_at_each_tick_once()
    {
        await using var app = await TriggerApp.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Win-back", "start": {"schedule": "1d", "if": "not performed \"Order Completed\" in last 30 days"},
             "reentry": {"after": "30d"}, "steps": [{"action": {"profile": {"addTags": ["win-back"]}}}]}
            """);
        await app.IdentifyAsync("lapsed", null);
        await app.IdentifyAsync("recent", null);
        await app.TrackAsync("recent", "Order Completed", app.Now.AddDays(-2), new { revenue = 10 });
        await app.TrackAsync("lapsed", "Order Completed", app.Now.AddDays(-40), new { revenue = 10 });
        await app.AdvanceAsync(TimeSpan.FromHours(23));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty((await app.RunsAsync(trigger))["runs"]!.AsArray()); // no tick yet

        await app.AdvanceAsync(TimeSpan.FromHours(1));
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        Assert.Equal(await app.ProfileIdAsync("lapsed"), (string)runs[0]!["profileId"]!);
        Assert.Contains("schedule tick", (string)runs[0].LogOf("entered")!["detail"]!, StringComparison.Ordinal);

        await app.AdvanceAsync(TimeSpan.FromDays(1)); // next tick: re-entry waits 30 days
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single((await app.RunsAsync(trigger))["runs"]!.AsArray());
    }

    [Fact]
    public async Task A_webhook_claimed_by_a_node_that_died_mid_send_goes_again_under_the_same_key_after_the_lease()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync("""{"name": "Hook", "start": {"event": "Never Sent"}, "steps": [{"wait": "1m"}]}""");
        var store = app.Services.GetRequiredService<ITriggerStore>();
        await app.IdentifyAsync("orphan", null, "personalization"); // the gate is consulted again when it is sent
        var profile = await app.ProfileIdAsync("orphan");
        // Another node queued and claimed this delivery, then died before it finished.
        var body = $$"""{"url": "{{receiver.Url}}orphan", "body": "{\"x\":1}", "timeoutMs": 5000}""";
        var run = new JourneyRun("run-orphan", trigger, profile, 1, RunStatus.Completed, app.Now, null, null, "completed", app.Now, 2, "{}");
        await store.CommitJourneysAsync(new JourneyCommit([new(run, null)], [],
            [new ActionDelivery("run-orphan:2", run.Id, trigger, profile, "webhook", body, DeliveryStatus.Pending, 0, 3, app.Now.AddMinutes(1), null, app.Now)], [], null),
            TestContext.Current.CancellationToken);
        Assert.Single(await store.ClaimDeliveriesAsync(app.Now.AddMinutes(1), 10, DeliveryLane.All, TestContext.Current.CancellationToken));

        await app.AdvanceAsync(DeliveryWorker.ClaimLease + TimeSpan.FromMinutes(2));
        var received = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("run-orphan:2", received.IdempotencyKey);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        Assert.Contains("interrupted mid-send", (string)runs[0].LogOf("retry")!["detail"]!, StringComparison.Ordinal);
    }
}
