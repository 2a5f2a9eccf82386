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

    /// <summary>The app, the channel, a trigger, and a profile that consented to personalization (the webhooks' default purpose).</summary>
    private static async Task<(TriggerApp App, IDeliveryChannel Channel, string TriggerId, string ProfileId)> StartAsync(string[]? allow = null)
    {
        var app = await TriggerApp.StartAsync(webhookAllow: allow);
        var trigger = await app.CreateTriggerAsync("""{"name": "Hook", "start": {"event": "Never"}, "steps": [{"action": {"webhook": {"url": "https://shop.example/"}}}]}""");
        await app.IdentifyAsync("hooked", null, "personalization");
        var profile = await app.ProfileIdAsync("hooked");
        var channel = app.Services.GetServices<IDeliveryChannel>().Single(c => c.Kind == "webhook");
        return (app, channel, trigger, profile);
    }

    private static ActionDelivery Delivery(string triggerId, string profileId, Uri url, string id = "run_1:s1", string? purpose = null) =>
        new(id, "run_1", triggerId, profileId, "webhook", new WebhookPayload(url.ToString(), """{"hello":"world"}""", 5000, purpose).ToJson(), DeliveryStatus.Sending,
            1, 5, DateTimeOffset.UnixEpoch, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_webhook_is_signed_with_the_trigger_secret_and_carries_the_delivery_id()
    {
        var (app, channel, trigger, profile) = await StartAsync();
        await using var _ = app;
        await using var receiver = await WebhookReceiver.StartAsync();

        var result = await channel.SendAsync(Delivery(trigger, profile, receiver.Url), Ct);

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
        var (app, channel, trigger, profile) = await StartAsync(allow: ["127.0.0.0/8"]);
        await using var _ = app;
        await using var receiver = await WebhookReceiver.StartAsync();

        receiver.Answer = _ => 503;
        Assert.Equal(ChannelResult.Retry("webhook answered 503"), await channel.SendAsync(Delivery(trigger, profile, receiver.Url, "run_1:a"), Ct));
        receiver.Answer = _ => 404;
        Assert.Equal(ChannelResult.Dead("webhook answered 404"), await channel.SendAsync(Delivery(trigger, profile, receiver.Url, "run_1:b"), Ct));
        var refused = await channel.SendAsync(Delivery(trigger, profile, new Uri("http://10.0.0.1/"), "run_1:c"), Ct);
        Assert.Equal(ChannelOutcome.Dead, refused.Outcome);
        Assert.StartsWith("webhook refused:", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_consent_gate_is_consulted_with_the_profile_as_it_is_when_the_webhook_is_sent()
    {
        var (app, channel, trigger, profile) = await StartAsync();
        await using var _ = app;
        await using var receiver = await WebhookReceiver.StartAsync();

        // The row's purpose, not the default: the profile consented to personalization only.
        var analytics = await channel.SendAsync(Delivery(trigger, profile, receiver.Url, "run_1:a", purpose: "analytics"), Ct);
        Assert.Equal(ChannelResult.ConsentRefused("no consent for analytics recorded (checked when sending)"), analytics);
        // A profile that no longer exists has consented to nothing.
        var gone = await channel.SendAsync(Delivery(trigger, "prf_gone", receiver.Url, "run_1:b"), Ct);
        Assert.Equal(ChannelOutcome.ConsentRefused, gone.Outcome);
        Assert.Empty(receiver.Requests);
    }
}
