using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Triggers;

namespace Tailor.Server.Tests.Triggers;

/// <summary>Webhooks to a real receiver on loopback: signed, retried with backoff on 5xx, dead-lettered, retried by hand.</summary>
public sealed class WebhookDeliveryTests
{
    private static string Hook(WebhookReceiver receiver, int attempts) => """
        {"name": "Hook", "start": {"event": "Product Added"},
         "steps": [{"action": {"webhook": {"url": "RECEIVER/hook", "maxAttempts": ATTEMPTS, "data": {"sku": "kettle-1"}}}}]}
        """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal).Replace("ATTEMPTS", attempts.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [Fact]
    public async Task A_webhook_is_signed_over_timestamp_and_body_with_the_triggers_secret_and_carries_an_idempotency_key()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var created = await app.Admin.PostRawAsync("/api/triggers", Hook(receiver, 3));
        await created.ShouldBeAsync(HttpStatusCode.Created);
        var trigger = await created.JsonAsync();
        var secret = (string)trigger["secret"]!;
        await app.IdentifyAsync("signed", null, "personalization");
        await app.TrackAsync("signed", "Product Added", app.Now, new { name = "Kettle" });

        var received = Assert.Single(await receiver.WaitForAsync(1));
        var timestamp = long.Parse(received.Timestamp!, CultureInfo.InvariantCulture);
        Assert.Equal(app.Now.ToUnixTimeSeconds(), timestamp);
        Assert.True(WebhookSignature.Verify(secret, timestamp, received.Body, received.Signature!), "the signature verifies with the trigger's secret");
        Assert.False(WebhookSignature.Verify("whsec_other", timestamp, received.Body, received.Signature!));
        Assert.StartsWith("sha256=", received.Signature, StringComparison.Ordinal);
        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("kettle-1", (string)body["data"]!["sku"]!);
        Assert.Equal(await app.ProfileIdAsync("signed"), (string)body["profile"]!["id"]!);
        Assert.Equal($"{(string)body["run"]!}:1", received.IdempotencyKey);
    }

    [Fact]
    public async Task A_500_is_retried_with_backoff_under_the_same_idempotency_key_until_it_succeeds()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = attempt => attempt <= 2 ? 500 : 200;
        var trigger = await app.CreateTriggerAsync(Hook(receiver, 5));
        await app.IdentifyAsync("flaky", null, "personalization");
        await app.TrackAsync("flaky", "Product Added", app.Now);

        await receiver.WaitForAsync(1);
        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Count(k => k == "retry") == 1);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Single(receiver.Requests); // no retry before its due time
        app.Time.Advance(TimeSpan.FromSeconds(1)); // the first backoff is at most 1 s
        await receiver.WaitForAsync(2);
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Count(k => k == "retry") == 2);
        app.Time.Advance(TimeSpan.FromSeconds(2)); // the second at most 2 s
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"));

        Assert.Equal([500, 500, 200], receiver.Requests.Select(r => r.Status));
        Assert.Single(receiver.Requests.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task After_the_last_try_the_delivery_is_a_dead_letter_and_a_retry_through_the_API_delivers_it()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 503;
        var trigger = await app.CreateTriggerAsync(Hook(receiver, 2));
        await app.IdentifyAsync("dead", null, "personalization");
        await app.TrackAsync("dead", "Product Added", app.Now);

        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("retry"));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var runs = await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("dead"));
        Assert.Contains("attempt 2 of 2 failed (webhook answered 503); no tries left", (string)runs[0].LogOf("dead")!["detail"]!, StringComparison.Ordinal);
        var dead = Assert.Single(await app.Admin.GetArrayAsync($"/api/triggers/dead-letters?trigger={trigger}"));
        Assert.Equal("webhook answered 503", (string)dead!["lastError"]!);

        receiver.Answer = _ => 200;
        using (var retried = await app.Admin.PostObjectAsync($"/api/triggers/dead-letters/{Uri.EscapeDataString((string)dead["id"]!)}/retry", new { }))
            await retried.ShouldBeAsync(HttpStatusCode.Accepted);
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"));
        Assert.Empty(await app.Admin.GetArrayAsync($"/api/triggers/dead-letters?trigger={trigger}"));
        Assert.Equal(3, receiver.Requests.Count);
        using var again = await app.Admin.PostObjectAsync($"/api/triggers/dead-letters/{Uri.EscapeDataString((string)dead["id"]!)}/retry", new { });
        await again.ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_webhook_that_times_out_is_retried_under_the_same_key()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = attempt => attempt == 1 ? TimeSpan.FromSeconds(5) : TimeSpan.Zero; // the network, not a time window: real seconds
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Slow", "start": {"event": "Product Added"}, "steps": [{"action": {"webhook": {"url": "RECEIVER/slow", "timeout": "1s"}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        await app.IdentifyAsync("slow", null, "personalization");
        await app.TrackAsync("slow", "Product Added", app.Now);

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("retry"));
        Assert.Contains("webhook timed out", (string)runs[0].LogOf("retry")!["detail"]!, StringComparison.Ordinal);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"));
        var requests = await receiver.WaitForAsync(2);
        Assert.Equal(2, requests.Count);
        Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct());
    }
}
