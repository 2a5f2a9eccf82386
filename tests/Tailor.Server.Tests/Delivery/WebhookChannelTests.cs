using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Server.Delivery;
using Tailor.Server.Triggers;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Delivery;

/// <summary>
/// The webhook channel on its own: handed one outbox row, it signs and POSTs it to a real receiver on loopback and
/// says how the attempt ended; retries and dead letters are the worker's.
/// </summary>
public sealed class WebhookChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TriggerApp App, IDeliveryChannel Channel, string TriggerId)> StartAsync(string[]? allow = null)
    {
        var app = await TriggerApp.StartAsync(webhookAllow: allow);
        var trigger = await app.CreateTriggerAsync("""{"name": "Hook", "start": {"event": "Never"}, "steps": [{"action": {"webhook": {"url": "https://shop.example/"}}}]}""");
        var channel = app.Services.GetServices<IDeliveryChannel>().Single(c => c.Kind == "webhook");
        return (app, channel, trigger);
    }

    private static ActionDelivery Delivery(string triggerId, Uri url, string id = "run_1:s1") =>
        new(id, "run_1", triggerId, "p1", "webhook", new WebhookPayload(url.ToString(), """{"hello":"world"}""", 5000).ToJson(), DeliveryStatus.Sending,
            1, 5, DateTimeOffset.UnixEpoch, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_webhook_is_signed_with_the_trigger_secret_and_carries_the_delivery_id()
    {
        var (app, channel, trigger) = await StartAsync();
        await using var _ = app;
        await using var receiver = await WebhookReceiver.StartAsync();

        var result = await channel.SendAsync(Delivery(trigger, receiver.Url), Ct);

        Assert.Equal(ChannelResult.Sent("webhook answered 200"), result);
        var received = Assert.Single(receiver.Requests);
        Assert.Equal("""{"hello":"world"}""", received.Body);
        Assert.Equal("run_1:s1", received.IdempotencyKey);
        var secret = (await app.Services.GetRequiredService<ITriggerStore>().GetTriggerAsync(trigger, Ct))!.Secret;
        Assert.True(WebhookSignature.Verify(secret, long.Parse(received.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), received.Body, received.Signature!));
    }

    [Fact]
    public async Task A_5xx_may_pass_later_a_4xx_and_a_refused_address_never_will()
    {
        var (app, channel, trigger) = await StartAsync(allow: ["127.0.0.0/8"]);
        await using var _ = app;
        await using var receiver = await WebhookReceiver.StartAsync();

        receiver.Answer = _ => 503;
        Assert.Equal(ChannelResult.Retry("webhook answered 503"), await channel.SendAsync(Delivery(trigger, receiver.Url, "run_1:a"), Ct));
        receiver.Answer = _ => 404;
        Assert.Equal(ChannelResult.Dead("webhook answered 404"), await channel.SendAsync(Delivery(trigger, receiver.Url, "run_1:b"), Ct));
        var refused = await channel.SendAsync(Delivery(trigger, new Uri("http://10.0.0.1/"), "run_1:c"), Ct);
        Assert.Equal(ChannelOutcome.Dead, refused.Outcome);
        Assert.StartsWith("webhook refused:", refused.Detail, StringComparison.Ordinal);
    }
}
