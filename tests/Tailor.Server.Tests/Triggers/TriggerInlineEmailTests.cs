using System.Net;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// A trigger's inline email (subject and body written in the trigger) is Liquid like every template: filters work,
/// it is rendered when it is sent from the profile as it is then, and it goes out from the configured From unless the
/// trigger names its own. Mail arrives at the real SMTP sink.
/// </summary>
public sealed class TriggerInlineEmailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_inline_email_takes_filters_is_rendered_at_send_time_and_goes_from_the_configured_address()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true, emailFrom: "Shop Team <team@shop.example>");
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Inline", "start": {"event": "Product Added"},
             "steps": [{"wait": "1h"}, {"action": {"email": {"subject": "{{ profile.traits.first_name | upcase }}, {{ event.properties.name }}",
                                                             "body": "{{ event.properties.name | downcase }} for {{ profile.traits.first_name }}: {{ event.properties.products }}"}}}]}
            """);
        var to = SmtpSink.NewRecipient("inline");
        await app.IdentifyAsync("inline-ann", to, "email");
        await app.TrackAsync("inline-ann", "Product Added", app.Now, new { name = "Tom & Jerry <3", products = new object[] { new { name = "A" }, new { name = "B" } } });
        await app.WaitForRunsAsync(trigger, r => r.Count == 1);
        // The name changes while the run waits: the email reads the profile as it is when it is sent.
        await app.Ingest.SendAsync("/v1/identify", new { userId = "inline-ann", timestamp = Http.Iso(app.Now), traits = new { first_name = "Annie" } });

        await app.AdvanceAsync(TimeSpan.FromHours(1));
        var mail = Assert.Single(await SmtpSink.WaitForAsync(to));
        Assert.Equal("ANNIE, Tom & Jerry <3", mail.Subject);
        // A plain-text part is not HTML: nothing is escaped in it (a stored template's HTML is, see the next test).
        Assert.Equal("tom & jerry <3 for Annie: A, B", mail.TextBody?.Trim());
        Assert.Null(mail.HtmlBody);
        Assert.Equal("team@shop.example", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Equal("Shop Team", Assert.Single(mail.From.Mailboxes).Name);
    }

    [Fact]
    public async Task A_trigger_email_names_its_own_from_and_its_template_escapes_html_and_reads_the_trigger_by_name()
    {
        await using var app = await TriggerApp.StartAsync(smtp: true, emailFrom: "Shop Team <team@shop.example>");
        var template = $"inline-{Guid.NewGuid():N}";
        using (var saved = await app.Admin.PostAsync("/api/templates", new StringContent(new JsonObject
        {
            ["name"] = template,
            ["subject"] = "About {{ event.properties.name }}",
            ["body"] = "<p>{{ event.properties.name }} from {{ trigger.name }} ({{ campaign.name }}), {{ event.properties.products }}</p>",
        }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var trigger = await app.CreateTriggerAsync("""
            {"name": "Own from", "start": {"event": "Product Added"},
             "steps": [{"action": {"email": {"template": "TEMPLATE", "from": "{{ profile.traits.first_name }} at Boutique <boutique@shop.example>"}}}]}
            """.Replace("TEMPLATE", template, StringComparison.Ordinal));
        var to = SmtpSink.NewRecipient("own-from");
        await app.IdentifyAsync("own-from-ann", to, "email");
        await app.TrackAsync("own-from-ann", "Product Added", app.Now, new { name = "Tom & Jerry <3", products = new object[] { new { name = "A" }, new { name = "B" } } });

        var mail = Assert.Single(await SmtpSink.WaitForAsync(to));
        Assert.Equal("boutique@shop.example", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Equal("Ann at Boutique", Assert.Single(mail.From.Mailboxes).Name);
        Assert.Equal("About Tom & Jerry <3", mail.Subject);
        Assert.Contains("<p>Tom &amp; Jerry &lt;3 from Own from (Own from), A, B</p>", mail.HtmlBody, StringComparison.Ordinal);
        await app.WaitForRunsAsync(trigger, r => r[0].Kinds().Contains("sent"));
    }
}
