using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Triggers;

/// <summary>The same engine on PostgreSQL: event-time waits, the goal exit, timers, the outbox and the log.</summary>
public sealed class TriggersOnPostgresTests
{
    [Fact]
    public async Task Cart_journeys_on_PostgreSQL_fire_once_for_carts_left_and_never_for_carts_ordered()
    {
        await using var app = await TriggerApp.StartAsync(postgres: true);
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Cart on PostgreSQL", "start": {"event": "Product Added"}, "goal": "Order Completed",
             "steps": [{"wait": "30m"}, {"action": {"webhook": {"url": "RECEIVER/cart", "data": {"item": "{{ event.properties.name }}"}}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        foreach (var user in new[] { "pg-left-1", "pg-left-2", "pg-ordered" })
        {
            await app.IdentifyAsync(user, null, "personalization");
            await app.TrackAsync(user, "Product Added", app.Now - TimeSpan.FromMinutes(29) - TimeSpan.FromSeconds(57), new { name = "Lamp" });
        }
        await app.WaitForRunsAsync(trigger, r => r.Count == 3);
        await app.TrackAsync("pg-ordered", "Order Completed", app.Now.AddSeconds(1), new { revenue = 5 });
        await app.WaitForRunsAsync(trigger, r => r.Any(x => x.Status() == "exited"));

        await app.AdvanceAsync(TimeSpan.FromSeconds(3));
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count(x => x.Kinds().Contains("sent")) == 2);
        Assert.Equal(2, (await receiver.WaitForAsync(2)).Count);
        Assert.All(receiver.Requests, r => Assert.Contains("\"item\":\"Lamp\"", r.Body, StringComparison.Ordinal));
        var ordered = await app.ProfileIdAsync("pg-ordered");
        Assert.Equal("goal reached: Order Completed", runs.Single(r => (string)r!["profileId"]! == ordered).Outcome());
        var stats = await app.Admin.GetObjectAsync($"/api/triggers/{trigger}/stats");
        Assert.Equal(2, (long)stats["deliveries"]!["sent"]!);
    }
}
