using Tailor.Core.Pipeline;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Delivery;

/// <summary>
/// Consent is checked again at the moment of sending: a withdrawal between queuing and sending — or between two tries —
/// stops the send, and the run log says why. Real SMTP sink, real webhook receiver, the delivery worker as it runs.
/// </summary>
public sealed class ConsentAtDeliveryTests
{
    /// <summary>Holds the first delivery the worker takes up (after it was queued and claimed) until the test lets it go.</summary>
    private sealed class HoldFirstDelivery : IStageProbe
    {
        private int _seen;
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ManualResetEventSlim Release { get; } = new();

        public void BeforeItem(string stage, string key)
        {
            if (stage != "deliveries" || Interlocked.Increment(ref _seen) != 1) return;
            Reached.TrySetResult();
            Release.Wait(TimeSpan.FromSeconds(30)); // bounded: a broken test must not hang the suite
        }
    }

    private static Task WithdrawAsync(TriggerApp app, string userId, string purpose) =>
        app.Ingest.SendAsync("/v1/identify", new
        {
            userId, timestamp = Http.Iso(app.Now.AddSeconds(1)),
            traits = new Dictionary<string, object?> { ["consent"] = new Dictionary<string, object> { [purpose] = false } },
        });

    [Fact]
    public async Task An_email_queued_before_consent_was_withdrawn_is_not_sent_and_the_log_says_why()
    {
        var hold = new HoldFirstDelivery();
        await using var app = await TriggerApp.StartAsync(smtp: true, probe: hold);
        var to = SmtpSink.NewRecipient("withdrawn");
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Mail", "start": {"event": "Product Added"}, "steps": [{"action": {"email": {"subject": "Hi", "body": "still there?"}}}]}
            """);
        await app.IdentifyAsync("withdrawn", to, "email");
        await app.TrackAsync("withdrawn", "Product Added", app.Now);

        await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken); // queued (consent held then), claimed
        await WithdrawAsync(app, "withdrawn", "email");
        var profile = await app.ProfileIdAsync("withdrawn");
        Assert.False((bool)(await app.Admin.GetObjectAsync($"/api/profiles/{profile}"))["consent"]!["email"]!["granted"]!);
        hold.Release.Set();

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("consent-refused"));
        Assert.Contains("queued", runs[0].Kinds());
        Assert.DoesNotContain("sent", runs[0].Kinds());
        var detail = (string)runs[0].LogOf("consent-refused")!["detail"]!;
        Assert.StartsWith("consent for email withdrawn at", detail, StringComparison.Ordinal);
        Assert.EndsWith("(checked when sending)", detail, StringComparison.Ordinal);
        Assert.Empty(SmtpSink.MessagesTo(to)); // the channel decided not to send: nothing was handed to SMTP
    }

    [Fact]
    public async Task A_webhook_retry_after_consent_was_withdrawn_is_not_sent()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = attempt => attempt == 1 ? 503 : 200;
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Hook", "start": {"event": "Product Added"}, "steps": [{"action": {"webhook": {"url": "RECEIVER/hook", "purpose": "analytics"}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        await app.IdentifyAsync("retried", null, "analytics");
        await app.TrackAsync("retried", "Product Added", app.Now);
        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("retry")); // the first try failed with a 503

        await WithdrawAsync(app, "retried", "analytics");
        await app.AdvanceAsync(TimeSpan.FromMinutes(15)); // past the retry's due time

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("consent-refused"));
        Assert.Contains("consent for analytics withdrawn at", (string)runs[0].LogOf("consent-refused")!["detail"]!, StringComparison.Ordinal);
        Assert.Single(receiver.Requests); // only the first try reached it
    }
}
