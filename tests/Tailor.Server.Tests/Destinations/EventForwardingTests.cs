using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Destinations;

/// <summary>Event forwarding in Segment's batch format to a real endpoint on loopback: filter, mapping, consent, retries, dead letters.</summary>
public sealed class EventForwardingTests
{
    [Fact]
    public async Task Selected_events_arrive_mapped_in_Segment_batches_and_a_profile_without_consent_sends_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TriggerApp.StartAsync();
        var id = await CreateAsync(app.Admin, new
        {
            name = "warehouse-segment", kind = "segment",
            settings = new { url = receiver.Url.ToString(), writeKey = "wk_remote", events = new[] { "Order Completed" }, where = "revenue >= 20", rename = new Dictionary<string, string> { ["revenue"] = "value" }, drop = new[] { "card_last4" }, maxWaitSeconds = 0 },
        });
        await app.IdentifyAsync("sharer", "sharer@example.com", "data sharing");
        await app.IdentifyAsync("private-person", "private@example.com", "email");
        foreach (var (user, revenue) in new[] { ("sharer", 25m), ("sharer", 30m), ("sharer", 5m), ("private-person", 99m), ("private-person", 50m) })
            await app.TrackAsync(user, "Order Completed", app.Now, new { revenue, card_last4 = "4242" });
        await app.TrackAsync("sharer", "Product Viewed", app.Now, new { revenue = 100 });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        var status = await WaitForStatusAsync(app.Admin, id, s => (long)s["lag"]! == 0);

        var requests = receiver.Requests.ToArray();
        Assert.All(requests, r => Assert.Equal("/v1/batch", r.Path));
        var messages = requests.SelectMany(r => JsonNode.Parse(r.Body)!["batch"]!.AsArray()).ToList();
        Assert.Equal(2, messages.Count); // the sharer's two orders of 20 or more
        Assert.All(messages, m =>
        {
            Assert.Equal("track", (string)m!["type"]!);
            Assert.Equal("Order Completed", (string)m["event"]!);
            Assert.Equal("sharer", (string)m["userId"]!);
            Assert.Null(m["properties"]!["revenue"]);
            Assert.Null(m["properties"]!["card_last4"]);
        });
        Assert.Equal([25m, 30m], messages.Select(m => (decimal)m!["properties"]!["value"]!).Order());
        // Nothing of the profile without consent left Tailor.
        Assert.All(requests, r => Assert.DoesNotContain("private", r.Body, StringComparison.Ordinal));
        Assert.Equal(2, (long)status["sent"]!);
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_backoff_then_the_batch_is_a_dead_letter_that_replays()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 503;
        await using var app = await TriggerApp.StartAsync();
        var id = await CreateAsync(app.Admin, new { name = "flaky", kind = "segment", settings = new { url = receiver.Url.ToString(), maxAttempts = 3, maxWaitSeconds = 0, types = new[] { "track" } } });
        await app.IdentifyAsync("sharer", "sharer@example.com", "data sharing");
        await app.TrackAsync("sharer", "Order Completed", app.Now, new { revenue = 10 });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);

        await receiver.WaitForAsync(1);
        Assert.Single(receiver.Requests);
        app.Time.Advance(TimeSpan.FromMilliseconds(999)); // the first retry is due after 1 s, not before
        await WaitForStatusAsync(app.Admin, id, s => ((string?)s["lastError"])?.Contains("attempt 1 of 3", StringComparison.Ordinal) == true);
        Assert.Single(receiver.Requests);
        app.Time.Advance(TimeSpan.FromMilliseconds(1));
        await receiver.WaitForAsync(2);
        await WaitForStatusAsync(app.Admin, id, s => ((string?)s["lastError"])?.Contains("attempt 2 of 3", StringComparison.Ordinal) == true);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        await receiver.WaitForAsync(3);
        var status = await WaitForStatusAsync(app.Admin, id, s => (long)s["deadLetters"]! == 1);
        Assert.Equal(0, (long)status["sent"]!);
        Assert.Equal(3, receiver.Requests.Count);

        var letter = (await app.Admin.GetArrayAsync("/api/dead-letters?stage=destinations")).Single();
        Assert.StartsWith(id + ":", (string)letter!["key"]!, StringComparison.Ordinal);
        receiver.Answer = _ => 200;
        using (var replay = await app.Admin.PostObjectAsync($"/api/dead-letters/{(long)letter["id"]!}/replay", new { }))
            await replay.ShouldBeAsync(HttpStatusCode.OK);
        var received = await receiver.WaitForAsync(4);
        Assert.Equal(200, received[^1].Status);
        Assert.Equal("Order Completed", (string)JsonNode.Parse(received[^1].Body)!["batch"]![0]!["event"]!);
    }

    [Fact]
    public async Task A_destination_pointing_at_loopback_is_refused_by_the_SSRF_guard()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TriggerApp.StartAsync(loopbackAllowed: false);
        var id = await CreateAsync(app.Admin, new { name = "internal", kind = "segment", settings = new { url = receiver.Url.ToString() } });
        using var test = await app.Admin.PostObjectAsync($"/api/destinations/{id}/test", new { });
        var result = await test.JsonAsync();
        Assert.False((bool)result["ok"]!);
        Assert.Contains("loopback", (string)result["error"]!, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }
}
