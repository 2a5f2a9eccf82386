using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Triggers;

/// <summary>Frequency caps, re-entry, and the consent gate, through the API on a fake clock.</summary>
public sealed class CustomerProtectionTests
{
    private const string Offer = """
        {"name": "Offer", "start": {"event": "Product Added"}, "caps": [{"max": 1, "per": "7d"}],
         "steps": [{"action": {"webhook": {"url": "RECEIVER/offer"}}}]}
        """;

    [Fact]
    public async Task An_offer_at_most_once_per_user_per_week_is_suppressed_with_the_reason_and_allowed_again_after_the_week()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync(Offer.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        await app.IdentifyAsync("capped", null, "personalization");

        await app.TrackAsync("capped", "Product Added", app.Now);
        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        await app.AdvanceAsync(TimeSpan.FromDays(6));
        await app.TrackAsync("capped", "Product Added", app.Now);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 2);
        var suppressed = runs[0].LogOf("suppressed");
        Assert.NotNull(suppressed);
        Assert.Contains("frequency cap: at most 1 webhook per week from trigger:", (string)suppressed!["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("queued", runs[0].Kinds());

        await app.AdvanceAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await app.TrackAsync("capped", "Product Added", app.Now);
        await app.WaitForRunsAsync(trigger, r => r.Count == 3 && r[0].Kinds().Contains("sent"));
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_global_cap_per_channel_applies_across_triggers()
    {
        await using var app = await TriggerApp.StartAsync(caps: "webhook:1/1d");
        await using var receiver = await WebhookReceiver.StartAsync();
        var first = await app.CreateTriggerAsync("""{"name": "A", "start": {"event": "Product Added"}, "steps": [{"action": {"webhook": {"url": "RECEIVER/a"}}}]}"""
            .Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        var second = await app.CreateTriggerAsync("""{"name": "B", "start": {"event": "Products Searched"}, "steps": [{"action": {"webhook": {"url": "RECEIVER/b"}}}]}"""
            .Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        var caps = await app.Admin.GetArrayAsync("/api/triggers/caps");
        Assert.Equal("webhook", (string)caps.Single()!["channel"]!);
        await app.IdentifyAsync("global", null, "personalization");

        await app.TrackAsync("global", "Product Added", app.Now);
        await app.WaitForRunsAsync(first, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        await app.TrackAsync("global", "Products Searched", app.Now, new { query = "x" });
        var runs = await app.WaitForRunsAsync(second, r => r.Count == 1 && r[0].Status() != "waiting");
        Assert.Contains("across Tailor", (string)runs[0].LogOf("suppressed")!["detail"]!, StringComparison.Ordinal);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Without_consent_for_the_purpose_nothing_is_sent_and_the_log_says_why()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var to = SmtpSink.NewRecipient("no-consent");
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Mail", "start": {"event": "Product Added"}, "steps": [{"action": {"email": {"subject": "Hi", "body": "b"}}}]}
            """);
        await app.IdentifyAsync("no-consent", to, "personalization"); // consented to personalization, not email
        await app.TrackAsync("no-consent", "Product Added", app.Now);

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Status() != "waiting");
        Assert.Equal("no consent for email recorded", (string)runs[0].LogOf("consent-refused")!["detail"]!);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(SmtpSink.MessagesTo(to));
    }

    [Fact]
    public async Task Re_entry_never_lets_a_profile_in_once_and_after_lets_it_in_again_only_when_the_time_has_passed()
    {
        await using var app = await TriggerApp.StartAsync();
        var once = await app.CreateTriggerAsync("""
            {"name": "Once", "start": {"event": "Product Added"}, "reentry": "never", "steps": [{"action": {"profile": {"addTags": ["once"]}}}]}
            """);
        var daily = await app.CreateTriggerAsync("""
            {"name": "Daily", "start": {"event": "Product Added"}, "reentry": {"after": "1d"}, "steps": [{"action": {"profile": {"addTags": ["daily"]}}}]}
            """);
        await app.IdentifyAsync("re", null);
        await app.TrackAsync("re", "Product Added", app.Now);
        await app.TrackAsync("re", "Product Added", app.Now.AddHours(1));
        await app.AdvanceAsync(TimeSpan.FromDays(2));
        await app.TrackAsync("re", "Product Added", app.Now);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        await app.WaitForRunsAsync(daily, r => r.Count == 2);
        Assert.Single((await app.RunsAsync(once))["runs"]!.AsArray());
        Assert.Equal(2, (await app.RunsAsync(daily))["runs"]!.AsArray().Count);
    }

    [Fact]
    public async Task Quiet_hours_in_the_profiles_timezone_hold_the_email_until_the_window_opens()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var to = SmtpSink.NewRecipient("quiet");
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Quiet", "start": {"event": "Product Added"}, "quietHours": {"from": "21:00", "to": "08:00", "timezone": "UTC"},
             "steps": [{"action": {"email": {"subject": "Good morning", "body": "b"}}}]}
            """);
        // 12:00 UTC is 21:00 in Tokyo: quiet there until 08:00 Tokyo time, 23:00 UTC.
        await app.Ingest.SendAsync("/v1/identify", new { userId = "tokyo", timestamp = Http.Iso(app.Now),
            traits = new { email = to, timezone = "Asia/Tokyo", consent = new { email = true } } });
        await app.TrackAsync("tokyo", "Product Added", app.Now);

        var held = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("quiet-hours"));
        Assert.Equal("waiting", held[0].Status());
        Assert.Contains("2026-03-10T23:00:00.000Z", (string)held[0].LogOf("quiet-hours")!["detail"]!, StringComparison.Ordinal);
        await app.AdvanceAsync(TimeSpan.FromHours(10));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(SmtpSink.MessagesTo(to));

        await app.AdvanceAsync(TimeSpan.FromHours(1));
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"));
        Assert.Equal("Good morning", Assert.Single(await SmtpSink.WaitForAsync(to)).Subject);
    }
}
