using MailKit.Net.Smtp;
using Tailor.Core.Messaging;
using Tailor.Server.Messaging;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Messaging;

/// <summary>
/// SMTP AUTH and TLS against a real server: the second exim of scripts/services.sh (start_smtp_auth_sink), which
/// offers STARTTLS with a self-signed certificate, offers AUTH only inside TLS and accepts mail only after a login.
/// scripts/test.sh starts it and sets <c>TAILOR_TEST_SMTP_AUTH</c> (host:port), <c>..._USER</c>, <c>..._PASSWORD</c>
/// and <c>..._CA</c> (its certificate); without them these tests are skipped.
/// </summary>
public sealed class SmtpSecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (SmtpEndpoint Endpoint, string User, string Password, string Ca) Sink()
    {
        var address = Environment.GetEnvironmentVariable("TAILOR_TEST_SMTP_AUTH");
        if (string.IsNullOrEmpty(address))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail("TAILOR_TEST_SMTP_AUTH is not set: on CI the SMTP AUTH/STARTTLS tests must run.");
            Assert.Skip("SMTP AUTH/STARTTLS tests skipped: set TAILOR_TEST_SMTP_AUTH and its _USER, _PASSWORD, _CA (scripts/test.sh does).");
        }
        return (SmtpEndpoint.Parse(address), Environment.GetEnvironmentVariable("TAILOR_TEST_SMTP_AUTH_USER")!,
            Environment.GetEnvironmentVariable("TAILOR_TEST_SMTP_AUTH_PASSWORD")!, Environment.GetEnvironmentVariable("TAILOR_TEST_SMTP_AUTH_CA")!);
    }

    private static EmailMessage Mail(string to) => new("Shop <news@shop.example>", to, "Secured", "<p>over TLS</p>");

    [Fact]
    public async Task A_login_over_starttls_to_a_server_whose_certificate_is_trusted_delivers()
    {
        var (endpoint, user, password, ca) = Sink();
        foreach (var security in new[] { EmailOptions.Auto, EmailOptions.StartTls }) // auto with a login requires STARTTLS
        {
            await using var sender = new SmtpEmailSender(endpoint, email: new EmailOptions { SmtpUser = user, SmtpPassword = password, SmtpSecurity = security, SmtpTrustedCertificates = ca });
            var to = SmtpSink.NewRecipient($"auth-{security}");
            await sender.SendAsync(Mail(to), Ct);
            var mail = Assert.Single(await SmtpSink.WaitForAsync(to, timeout: TimeSpan.FromSeconds(60)));
            // Exim records the TLS cipher and the authenticated id in its Received header.
            var received = string.Join("\n", mail.Headers.Where(h => h.Field == "Received").Select(h => h.Value));
            Assert.Contains("TLS", received, StringComparison.Ordinal);
            Assert.Contains("(Exim", received, StringComparison.Ordinal);
            Assert.Equal("over TLS", mail.TextBody!.Trim());
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_the_error_names_the_user_but_never_the_password()
    {
        var (endpoint, user, _, ca) = Sink();
        const string wrong = "not-the-password-7f3a";
        await using var sender = new SmtpEmailSender(endpoint, email: new EmailOptions { SmtpUser = user, SmtpPassword = wrong, SmtpTrustedCertificates = ca });
        var error = await Assert.ThrowsAsync<EmailSendException>(async () => await sender.SendAsync(Mail(SmtpSink.NewRecipient("wrong")), Ct));
        Assert.Contains($"refused the login of user '{user}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_stops_the_send_before_any_password_is_sent()
    {
        var (endpoint, user, password, _) = Sink();
        await using var sender = new SmtpEmailSender(endpoint, email: new EmailOptions { SmtpUser = user, SmtpPassword = password, SmtpSecurity = EmailOptions.StartTls });
        var error = await Assert.ThrowsAsync<EmailSendException>(async () => await sender.SendAsync(Mail(SmtpSink.NewRecipient("untrusted")), Ct));
        Assert.StartsWith($"TLS with SMTP server {endpoint} failed (starttls)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_login_the_server_refuses_the_mail_and_starttls_required_of_a_server_without_it_fails_clearly()
    {
        var (endpoint, _, _, ca) = Sink();
        await using (var anonymous = new SmtpEmailSender(endpoint, email: new EmailOptions { SmtpTrustedCertificates = ca }))
        {
            var refused = await Assert.ThrowsAsync<EmailSendException>(async () => await anonymous.SendAsync(Mail(SmtpSink.NewRecipient("anon")), Ct));
            Assert.IsType<SmtpCommandException>(refused.InnerException);
            Assert.Contains("authentication required", refused.Message, StringComparison.Ordinal);
        }
        // The plain sink offers no STARTTLS: "starttls" means never in clear, so nothing is sent.
        await using var required = new SmtpEmailSender(SmtpEndpoint.Parse(SmtpSink.Address), email: new EmailOptions { SmtpSecurity = EmailOptions.StartTls });
        var to = SmtpSink.NewRecipient("no-starttls");
        var error = await Assert.ThrowsAsync<EmailSendException>(async () => await required.SendAsync(Mail(to), Ct));
        Assert.Contains("cannot be used as configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("STARTTLS", error.Message, StringComparison.Ordinal);
        Assert.Empty(SmtpSink.MessagesTo(to));
    }
}
