using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Segments;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// Every example of the triggers issue, through the HTTP API on a server whose clock the test moves: the events go
/// in through ingestion, timers fire on the fake clock, email arrives at the real SMTP server, webhooks at a real
/// receiver on loopback, and the execution log says what happened and why.
/// </summary>
public sealed class TriggerExampleTests
{
    private const string CartRecovery = """
        {"name": "Cart recovery", "start": {"event": "Product Added"}, "goal": "Order Completed",
         "steps": [
           {"id": "wait", "wait": "30m"},
           {"id": "email", "action": {"email": {"subject": "{{ profile.traits.first_name }}, you left something behind",
                                                "body": "Still thinking about {{ event.properties.name }}? Your cart: {{ event.properties.products }}"}}}]}
        """;

    [Fact]
    public async Task Cart_abandonment_stamped_29m57s_ago_sends_the_recovery_email_with_the_cart_items_3_seconds_later()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var to = SmtpSink.NewRecipient("cart");
        var trigger = await app.CreateTriggerAsync(CartRecovery);
        await app.IdentifyAsync("cart-ann", to, "email");
        await app.TrackAsync("cart-ann", "Product Added", app.Now - TimeSpan.FromMinutes(29) - TimeSpan.FromSeconds(57),
            new { name = "Red Shoes", products = new object[] { new { name = "Red Shoes" }, new { name = "Blue Socks" } } });
        var profile = await app.ProfileIdAsync("cart-ann");

        var waiting = await app.WaitForRunsAsync(trigger, r => r.Count == 1);
        Assert.Equal(Http.Iso(app.Now.AddSeconds(3)), Http.Iso(DateTimeOffset.Parse((string)waiting[0]!["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture)));

        await app.AdvanceAsync(TimeSpan.FromSeconds(2));
        await Task.Delay(200, TestContext.Current.CancellationToken); // give a wrongly early timer the chance to fire
        Assert.Equal("waiting", (await app.WaitForRunsAsync(trigger, r => r.Count == 1))[0].Status());

        await app.AdvanceAsync(TimeSpan.FromSeconds(1));
        var runs = await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"), profile);
        Assert.Equal("completed", runs[0].Status());
        Assert.Equal(["entered", "waiting", "resumed", "action", "queued", "completed", "sent"], runs[0].Kinds());

        var mail = Assert.Single(await SmtpSink.WaitForAsync(to));
        Assert.Equal("Ann, you left something behind", mail.Subject);
        Assert.Contains("Still thinking about Red Shoes? Your cart: Red Shoes, Blue Socks", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cart_abandonment_with_an_order_at_minute_29_sends_nothing()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var to = SmtpSink.NewRecipient("cart-order");
        var trigger = await app.CreateTriggerAsync(CartRecovery);
        await app.IdentifyAsync("cart-bob", to, "email");
        var added = app.Now;
        await app.TrackAsync("cart-bob", "Product Added", added, new { name = "Red Shoes" });
        await app.WaitForRunsAsync(trigger, r => r.Count == 1);

        await app.AdvanceAsync(TimeSpan.FromMinutes(29));
        await app.TrackAsync("cart-bob", "Order Completed", added.AddMinutes(29), new { revenue = 59 });
        var runs = await app.WaitForRunsAsync(trigger, r => r[0].Status() != "waiting");
        Assert.Equal("exited", runs[0].Status());
        Assert.Equal("goal reached: Order Completed", runs[0].Outcome());

        await app.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Empty(SmtpSink.MessagesTo(to));
        Assert.DoesNotContain("queued", (await app.WaitForRunsAsync(trigger, r => r.Count == 1))[0].Kinds());
    }

    [Fact]
    public async Task Repeat_visits_more_than_twice_within_an_hour_serve_tailored_content_once()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Shoe fan", "start": {"event": "Page Viewed", "if": "performed \"Page Viewed\" with category = \"shoes\" more than 2 times in last 1 hour"},
             "reentry": {"after": "1d"},
             "steps": [{"action": {"webhook": {"url": "RECEIVER/content", "data": {"show": "shoes-banner", "category": "{{ event.properties.category }}"}}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        await app.IdentifyAsync("fan", null, "personalization");
        await app.IdentifyAsync("slow", null, "personalization");
        foreach (var minutes in new[] { 0, 20, 40, 50 })
            await app.Ingest.SendAsync("/v1/page", new { userId = "fan", name = "Shoes", timestamp = Http.Iso(app.Now.AddMinutes(minutes - 60)), properties = new { category = "shoes" } });
        foreach (var minutes in new[] { 0, 70, 140 })
            await app.Ingest.SendAsync("/v1/page", new { userId = "slow", name = "Shoes", timestamp = Http.Iso(app.Now.AddMinutes(minutes - 200)), properties = new { category = "shoes" } });

        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        Assert.Equal(await app.ProfileIdAsync("fan"), (string)runs[0]!["profileId"]!);
        var received = Assert.Single(receiver.Requests);
        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("shoes-banner", (string)body["data"]!["show"]!);
        Assert.Equal("shoes", (string)body["data"]!["category"]!);
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        Assert.Single((await app.RunsAsync(trigger))["runs"]!.AsArray()); // the 4th view is within a day of the 3rd: no re-entry; "slow" never entered
    }

    [Fact]
    public async Task Search_intent_sends_recommendations_for_the_querys_category()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Search intent", "start": {"event": "Products Searched"},
             "steps": [{"action": {"webhook": {"url": "RECEIVER/recommend", "data": {"query": "{{ event.properties.query }}", "category": "{{ event.properties.category }}"}}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        await app.IdentifyAsync("searcher", null, "personalization");
        await app.TrackAsync("searcher", "Products Searched", app.Now, new { query = "trail running shoes", category = "running" });

        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        var body = JsonNode.Parse(Assert.Single(receiver.Requests).Body)!;
        Assert.Equal("trail running shoes", (string)body["data"]!["query"]!);
        Assert.Equal("running", (string)body["data"]!["category"]!);
        Assert.Equal("Products Searched", (string)body["event"]!["event"]!);
    }

    [Fact]
    public async Task Combination_abandoned_cart_and_a_product_viewed_in_the_last_24_hours_gets_a_personal_discount()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true);
        var viewer = SmtpSink.NewRecipient("viewer");
        var other = SmtpSink.NewRecipient("other");
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Discount", "start": {"event": "Product Added"}, "goal": "Order Completed",
             "steps": [
               {"wait": "30m"},
               {"if": "performed \"Product Viewed\" in last 24 hours"},
               {"action": {"email": {"subject": "10% off {{ event.properties.name }}", "body": "{{ event.properties.name }} at {{ event.properties.price }}, now 10% off."}}}]}
            """);
        await app.IdentifyAsync("viewer", viewer, "email");
        await app.IdentifyAsync("other", other, "email");
        await app.TrackAsync("viewer", "Product Viewed", app.Now.AddHours(-5), new { name = "Green Lamp" });
        await app.TrackAsync("other", "Product Viewed", app.Now.AddHours(-30), new { name = "Green Lamp" });
        await app.TrackAsync("viewer", "Product Added", app.Now, new { name = "Green Lamp", price = 40 });
        await app.TrackAsync("other", "Product Added", app.Now, new { name = "Green Lamp", price = 40 });
        await app.WaitForRunsAsync(trigger, r => r.Count == 2);

        await app.AdvanceAsync(TimeSpan.FromMinutes(30));
        var runs = await app.WaitForRunsAsync(trigger, r => r.All(x => x.Status() != "waiting") && r.Any(x => x.Kinds().Contains("sent")));
        var mail = Assert.Single(await SmtpSink.WaitForAsync(viewer));
        Assert.Equal("10% off Green Lamp", mail.Subject);
        Assert.Contains("Green Lamp at 40, now 10% off.", mail.TextBody, StringComparison.Ordinal);
        var otherId = await app.ProfileIdAsync("other");
        var otherRun = runs.Single(r => (string)r!["profileId"]! == otherId);
        Assert.Equal("condition false", otherRun.Outcome());
        Assert.Empty(SmtpSink.MessagesTo(other));
    }

    [Fact]
    public async Task Inactivity_for_48_hours_sends_a_reminder_and_activity_restarts_the_wait()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Come back", "start": {"event": "*"},
             "steps": [{"wait": "48h", "until": "*", "onEvent": "exit"}, {"action": {"webhook": {"url": "RECEIVER/remind"}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        await app.IdentifyAsync("sleepy", null, "personalization");
        await app.WaitForRunsAsync(trigger, r => r.Count == 1);

        await app.AdvanceAsync(TimeSpan.FromHours(47));
        await app.TrackAsync("sleepy", "Page Viewed", app.Now);
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 2);
        Assert.Equal("exited", runs[1].Status()); // oldest last: the first wait ended by activity
        Assert.Equal("waiting", runs[0].Status());

        await app.AdvanceAsync(TimeSpan.FromHours(47));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(receiver.Requests);
        await app.AdvanceAsync(TimeSpan.FromHours(1));
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Threshold_crossing_entering_a_segment_tags_the_profile_through_the_event_log()
    {
        await using var app = await TriggerApp.StartAsync();
        using (var created = await app.Admin.PostObjectAsync("/api/segments", new { name = "Frequent Buyers", rule = "performed \"Order Completed\" at least 3 times in last 30 days" }))
            await created.ShouldBeAsync(System.Net.HttpStatusCode.Created);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Re-segment", "start": {"segment": "Frequent Buyers", "on": "entry"},
             "steps": [{"action": {"profile": {"addTags": ["loyal/frequent"], "set": {"tier": "gold"}}}}]}
            """);
        await app.IdentifyAsync("buyer", null);
        for (var i = 0; i < 2; i++) await app.TrackAsync("buyer", "Order Completed", app.Now.AddDays(-i), new { revenue = 10 });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty((await app.RunsAsync(trigger))["runs"]!.AsArray());

        await app.TrackAsync("buyer", "Order Completed", app.Now, new { revenue = 10 });
        var runs = await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
        Assert.Contains("entered segment Frequent Buyers", (string)runs[0].LogOf("entered")!["detail"]!, StringComparison.Ordinal);
        var profile = await app.Admin.WaitForSegmentsAsync("buyer", names => names.Contains("Frequent Buyers"));
        for (var i = 0; i < 200 && !(await app.Admin.LookupAsync("userId", "buyer"))["tags"]!.AsArray().Any(t => (string)t! == "loyal/frequent"); i++)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        var after = await app.Admin.LookupAsync("userId", "buyer");
        Assert.Contains("loyal/frequent", after["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("gold", (string)after["traits"]!["tier"]!);
        Assert.Contains((await app.Admin.EventsAsync(profile.Id())).Select(e => (string?)e!["sourceId"]), s => s == "trigger");
    }

    [Fact]
    public async Task Multi_step_journey_waits_checks_branches_waits_again_and_the_goal_exits_at_any_step()
    {
        await using var app = await TriggerApp.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Abandonment journey", "start": {"event": "Product Added"}, "goal": "Order Completed",
             "steps": [
               {"id": "first-wait", "wait": "1h"},
               {"id": "vip?", "if": "trait tier = \"gold\"", "then": "vip-offer", "else": "nudge"},
               {"id": "vip-offer", "action": {"webhook": {"url": "RECEIVER/vip"}}},
               {"id": "vip-done", "exit": "vip offer made"},
               {"id": "nudge", "action": {"webhook": {"url": "RECEIVER/nudge"}}},
               {"id": "second-wait", "wait": "1d"},
               {"id": "last-call", "action": {"webhook": {"url": "RECEIVER/last-call"}}}]}
            """.Replace("RECEIVER/", receiver.Url.ToString(), StringComparison.Ordinal));
        foreach (var (user, tier) in new[] { ("gold-gil", "gold"), ("plain-pat", "none"), ("buyer-bea", "none") })
            await app.Ingest.SendAsync("/v1/identify", new { userId = user, timestamp = Http.Iso(app.Now), traits = new { tier, consent = new { personalization = true } } });
        foreach (var user in new[] { "gold-gil", "plain-pat", "buyer-bea" })
            await app.TrackAsync(user, "Product Added", app.Now, new { name = "Kettle" });
        await app.WaitForRunsAsync(trigger, r => r.Count == 3);

        await app.AdvanceAsync(TimeSpan.FromHours(1));
        await receiver.WaitForAsync(3);
        Assert.Equal(["/nudge", "/nudge", "/vip"], receiver.Requests.Select(r => r.Path).Order());
        await app.TrackAsync("buyer-bea", "Order Completed", app.Now.AddHours(2), new { revenue = 30 });
        await app.AdvanceAsync(TimeSpan.FromHours(2));
        await app.WaitForRunsAsync(trigger, r => r.Count(x => x.Status() == "waiting") == 1);

        await app.AdvanceAsync(TimeSpan.FromDays(1));
        var runs = await app.WaitForRunsAsync(trigger, r => r.All(x => x.Status() != "waiting") && r.Any(x => x.Kinds().Count(k => k == "sent") == 2));
        Assert.Equal(["/last-call", "/nudge", "/nudge", "/vip"], receiver.Requests.Select(r => r.Path).Order());
        var outcomes = runs.ToDictionary(r => (string)r!["profileId"]!, r => r.Outcome());
        Assert.Equal("vip offer made", outcomes[await app.ProfileIdAsync("gold-gil")]);
        Assert.Equal("completed", outcomes[await app.ProfileIdAsync("plain-pat")]);
        Assert.Equal("goal reached: Order Completed", outcomes[await app.ProfileIdAsync("buyer-bea")]);
    }
}
