using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Pipeline;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// In a cluster only the holder of the "deliveries" partition claims deliveries (and of "campaigns", campaign
/// recipients), so a claim still "sending" when a node takes the partition was made by a holder that lost it: killed
/// mid-send. A webhook goes again at once, under the same idempotency key, instead of after
/// <c>DeliveryWorker.ClaimLease</c> (10 minutes); a campaign recipient is marked interrupted. The clock is fake and never
/// moves here, so without the take-over recovery the delivery would wait for the lease and the receiver hear nothing.
/// </summary>
public sealed class ClaimsOfAKilledNodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_webhook_claimed_by_the_killed_holder_goes_again_as_soon_as_this_node_takes_the_deliveries_back()
    {
        var ownership = new TestOwnership();
        await using var app = await TriggerApp.StartAsync(services: s => s.AddSingleton<IFollowerOwnership>(ownership));
        await using var receiver = await WebhookReceiver.StartAsync();
        var host = app.Services.GetRequiredService<FollowerHost>();
        var store = app.Services.GetRequiredService<ITriggerStore>();
        var trigger = await app.CreateTriggerAsync("""{"name": "Hook", "start": {"event": "Never Sent"}, "steps": [{"wait": "1m"}]}""");
        await app.IdentifyAsync("orphan", null, "personalization"); // the gate is consulted again when it is sent
        var profile = await app.ProfileIdAsync("orphan");

        // This node held the deliveries, then another node took them ...
        await UntilAsync(async () => await StateAsync(host, "deliveries") == "running", "the deliveries run here");
        ownership.GiveAway("deliveries");
        host.Wake("deliveries");
        await UntilAsync(async () => await StateAsync(host, "deliveries") == "standby", "the deliveries are on standby");

        // ... queued and claimed this one, and was killed before it finished.
        var body = $$"""{"url": "{{receiver.Url}}orphan", "body": "{\"x\":1}", "timeoutMs": 5000}""";
        var run = new JourneyRun("run-orphan", trigger, profile, 1, RunStatus.Completed, app.Now, null, null, "completed", app.Now, 2, "{}");
        await store.CommitJourneysAsync(new JourneyCommit([new(run, null)], [],
            [new ActionDelivery("run-orphan:2", run.Id, trigger, profile, "webhook", body, DeliveryStatus.Pending, 0, 3, app.Now, null, app.Now)], [], null), Ct);
        Assert.Single(await store.ClaimDeliveriesAsync(app.Now, 10, DeliveryLane.All, Ct));

        // Taken back: the killed holder's claim goes again at once, under the same key, and only once.
        ownership.TakeBack("deliveries");
        host.Wake("deliveries");
        var received = Assert.Single(await receiver.WaitForAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal("run-orphan:2", received.IdempotencyKey);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        Assert.Contains("interrupted mid-send", (string)runs[0].LogOf("retry")!["detail"]!, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_campaign_recipient_claimed_by_the_killed_holder_is_marked_interrupted_when_this_node_takes_the_campaigns_back()
    {
        var ownership = new TestOwnership();
        await using var app = await TriggerApp.StartAsync(services: s => s.AddSingleton<IFollowerOwnership>(ownership));
        var host = app.Services.GetRequiredService<FollowerHost>();
        var store = app.Services.GetRequiredService<ICampaignStore>();

        await UntilAsync(async () => await StateAsync(host, "campaigns") == "running", "the campaigns run here");
        ownership.GiveAway("campaigns");
        host.Wake("campaigns");
        await UntilAsync(async () => await StateAsync(host, "campaigns") == "standby", "the campaigns are on standby");

        // The other node started a campaign, claimed a recipient and was killed before sending it.
        var campaign = new Campaign("cmp_killed", "Spring", "welcome", "Buyers", null, null, Campaign.Sending, app.Now, app.Now, null, 1, []);
        await store.SaveCampaignAsync(campaign, Ct);
        await store.AddRecipientsAsync(campaign.Id, ["prof_killed"], Ct);
        Assert.Equal(["prof_killed"], await store.ClaimRecipientsAsync(campaign.Id, 10, Ct));

        // Taken back: in doubt whether it was sent, so never resent; marked interrupted rather than left "sending".
        ownership.TakeBack("campaigns");
        host.Wake("campaigns");
        await UntilAsync(async () => (await store.RecipientAsync(campaign.Id, "prof_killed", Ct))?.Status == RecipientStatus.Interrupted,
            "the killed holder's recipient is marked interrupted");
    }

    private static async Task<string?> StateAsync(FollowerHost host, string name) =>
        (await host.StatusAsync(Ct)).SingleOrDefault(s => s.Name == name)?.State;

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"not within 20 s: {what}");
            await Task.Delay(20, Ct);
        }
    }
}
