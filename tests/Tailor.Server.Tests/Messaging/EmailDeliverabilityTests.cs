using System.Net;
using System.Text.Json.Nodes;
using MimeKit;
using Tailor.Core.Messaging;
using Tailor.Server.Messaging;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Messaging;

/// <summary>
/// What filters look at, read back from the real SMTP sink's Maildir with MimeKit: every HTML email is
/// multipart/alternative with a readable text part, carries List-Unsubscribe (one-click), and is DKIM-signed so that
/// MimeKit's verifier accepts it against the published key — and rejects it once a signed header is changed.
/// </summary>
public sealed class EmailDeliverabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EmailOptions Dkim(DkimTestKey key) => new() { DkimKeyFile = key.KeyFile, DkimDomain = DkimTestKey.Domain, DkimSelector = DkimTestKey.Selector };

    [Fact]
    public async Task An_html_email_goes_with_a_text_part_and_a_dkim_signature_that_verifies()
    {
        using var key = new DkimTestKey();
        await using var sender = new SmtpEmailSender(SmtpEndpoint.Parse(SmtpSink.Address), email: Dkim(key));
        var to = SmtpSink.NewRecipient("dkim");
        var html = """
            <html><head><style>p { color: red }</style><title>ignored</title></head><body>
            <h1>Summer sale</h1><p>Hi Ann,&nbsp;30% off <b>everything</b>.</p>
            <ul><li>Red shoes</li><li>Blue socks</li></ul>
            <p><a href="https://shop.example/sale?utm=mail&amp;x=1">Shop the sale</a> or <a href="https://shop.example/">https://shop.example/</a></p>
            <script>alert(1)</script><img src="https://t.example/o.gif" alt=""></body></html>
            """;
        await sender.SendAsync(new EmailMessage("Shop <news@shop.example>", to, "Summer sale – 30% off", html)
        {
            Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://shop.example/u/abc>", ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
        }, Ct);

        var mail = Assert.Single(await SmtpSink.WaitForAsync(to, timeout: TimeSpan.FromSeconds(60)));
        var alternative = Assert.IsType<MultipartAlternative>(mail.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal("""
            Summer sale

            Hi Ann, 30% off everything.

            - Red shoes
            - Blue socks

            Shop the sale (https://shop.example/sale?utm=mail&x=1) or https://shop.example/

            """.ReplaceLineEndings("\n"), mail.TextBody!.ReplaceLineEndings("\n").Replace('\u00a0', ' '));
        Assert.Contains("<b>everything</b>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);

        var signature = mail.Headers[HeaderId.DkimSignature]!;
        Assert.Contains($"d={DkimTestKey.Domain}", signature, StringComparison.Ordinal);
        Assert.Contains($"s={DkimTestKey.Selector}", signature, StringComparison.Ordinal);
        Assert.Contains("c=relaxed/relaxed", signature, StringComparison.Ordinal);
        var signed = System.Text.RegularExpressions.Regex.Match(System.Text.RegularExpressions.Regex.Replace(signature, @"\s+", ""), @"h=([^;]+)").Groups[1].Value.ToLowerInvariant().Split(':');
        Assert.Superset(new HashSet<string> { "from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post" }, signed.ToHashSet());
        Assert.True(await key.VerifyAsync(mail), "the DKIM signature does not verify");

        mail.Subject = "Summer sale – 90% off"; // a relay that changes a signed header breaks the signature
        Assert.False(await key.VerifyAsync(mail));
    }

    [Fact]
    public async Task A_trigger_email_from_a_template_is_signed_has_its_tracked_links_in_the_text_part_and_keeps_list_unsubscribe()
    {
        using var key = new DkimTestKey();
        await using var app = await TriggerApp.StartAsync(smtp: true, emailFrom: "Shop <news@shop.example>", configure: o => o.Email = Dkim(key));
        var template = $"sale-{Guid.NewGuid():N}";
        using (var saved = await app.Admin.PostAsync("/api/templates", new StringContent(new JsonObject
        {
            ["name"] = template, ["subject"] = "For you, {{ profile.traits.first_name }}",
            ["body"] = """<p>Hi {{ profile.traits.first_name }},</p><p><a href="https://shop.example/cart">Back to your cart</a></p>""",
        }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct))
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var trigger = await app.CreateTriggerAsync("""{"name": "Sale", "start": {"event": "Product Added"}, "steps": [{"action": {"email": {"template": "TEMPLATE"}}}]}"""
            .Replace("TEMPLATE", template, StringComparison.Ordinal));
        var to = SmtpSink.NewRecipient("signed-trigger");
        await app.IdentifyAsync("signed", to, "email");
        await app.TrackAsync("signed", "Product Added", app.Now);

        var mail = Assert.Single(await SmtpSink.WaitForAsync(to, timeout: TimeSpan.FromSeconds(60)));
        Assert.IsType<MultipartAlternative>(mail.Body);
        var text = mail.TextBody!.ReplaceLineEndings("\n");
        Assert.StartsWith("Hi Ann,\n\nBack to your cart (http://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("/e/c/", text, StringComparison.Ordinal); // the text part's link is the tracked one, so clicks count there too
        Assert.Contains("Unsubscribe (http://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.StartsWith("<http://127.0.0.1:", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.True(await key.VerifyAsync(mail), "the DKIM signature does not verify");
        await app.WaitForRunsAsync(trigger, r => r.Count == 1 && r[0].Kinds().Contains("sent"));
    }

    [Fact]
    public void A_dkim_setting_without_its_companions_or_a_key_that_does_not_exist_stops_the_start_naming_the_key()
    {
        var validator = new Tailor.Server.Hosting.TailorServerOptionsValidator();
        var half = new Tailor.Server.Hosting.TailorServerOptions { Email = new EmailOptions { DkimKeyFile = "/nonexistent/dkim.pem" } };
        Assert.Contains("Tailor:Email:DkimKeyFile, DkimSelector and DkimDomain must be set together", validator.Validate(null, half).FailureMessage, StringComparison.Ordinal);
        var missing = new Tailor.Server.Hosting.TailorServerOptions { Email = new EmailOptions { DkimKeyFile = "/nonexistent/dkim.pem", DkimDomain = "d.example", DkimSelector = "s" } };
        Assert.Contains("Tailor:Email:DkimKeyFile must be a readable PEM file", validator.Validate(null, missing).FailureMessage, StringComparison.Ordinal);
        var security = new Tailor.Server.Hosting.TailorServerOptions { Email = new EmailOptions { SmtpSecurity = "ssl", SmtpUser = "u" } };
        var failures = validator.Validate(null, security).FailureMessage;
        Assert.Contains("Tailor:Email:SmtpSecurity must be auto, starttls, tls or none, not 'ssl'", failures, StringComparison.Ordinal);
        Assert.Contains("Tailor:Email:SmtpPassword is required with SmtpUser", failures, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => new SmtpEmailSender(SmtpEndpoint.Parse("127.0.0.1:25"),
            email: new EmailOptions { DkimKeyFile = typeof(EmailDeliverabilityTests).Assembly.Location, DkimDomain = "d.example", DkimSelector = "s" }));
    }
}
