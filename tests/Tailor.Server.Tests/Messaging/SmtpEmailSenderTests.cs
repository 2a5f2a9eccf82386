using Tailor.Core.Messaging;
using Tailor.Server.Messaging;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Messaging;

public sealed class SmtpEmailSenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sent_message_arrives_at_the_real_server_with_its_headers_and_both_bodies()
    {
        await using var sender = new SmtpEmailSender(SmtpEndpoint.Parse(SmtpSink.Address));
        var to = SmtpSink.NewRecipient("sender");
        await sender.SendAsync(new EmailMessage("Tailor <shop@example.test>", to, "Your cart", "<p>Hello <b>Ann</b></p>", "Hello Ann")
        {
            Headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://shop.example/u/1>" },
            MessageId = "run-1.step-2@tailor",
        }, Ct);

        var message = Assert.Single(await SmtpSink.WaitForAsync(to));
        Assert.Equal("Your cart", message.Subject);
        Assert.Equal("run-1.step-2@tailor", message.MessageId);
        Assert.Equal("<https://shop.example/u/1>", message.Headers["List-Unsubscribe"]);
        Assert.Contains("<b>Ann</b>", message.HtmlBody);
        Assert.Equal("Hello Ann", message.TextBody?.Trim());
    }

    [Fact]
    public async Task Many_concurrent_sends_share_the_pool_and_all_arrive()
    {
        await using var sender = new SmtpEmailSender(SmtpEndpoint.Parse(SmtpSink.Address), connections: 3);
        var to = SmtpSink.NewRecipient("pool");
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            sender.SendAsync(new EmailMessage("shop@example.test", to, $"n{i}", null, $"body {i}"), Ct).AsTask()));

        var subjects = (await SmtpSink.WaitForAsync(to, 30)).Select(m => m.Subject).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"n{i}").Order(StringComparer.Ordinal), subjects);
    }

    [Fact]
    public async Task An_invalid_address_is_a_permanent_failure_naming_the_field()
    {
        await using var sender = new SmtpEmailSender(SmtpEndpoint.Parse(SmtpSink.Address));
        var error = await Assert.ThrowsAsync<EmailSendException>(() =>
            sender.SendAsync(new EmailMessage("shop@example.test", "not an address", "x", null, "x"), Ct).AsTask());
        Assert.True(error.Permanent);
        Assert.Contains("'to'", error.Message);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_a_transient_failure_naming_it()
    {
        await using var sender = new SmtpEmailSender(new SmtpEndpoint("127.0.0.1", 1), timeout: TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<EmailSendException>(() =>
            sender.SendAsync(new EmailMessage("shop@example.test", "a@example.test", "x", null, "x"), Ct).AsTask());
        Assert.False(error.Permanent);
        Assert.Contains("127.0.0.1:1", error.Message);
    }

    [Theory]
    [InlineData("localhost", "host:port")]
    [InlineData("localhost:", "host:port")]
    [InlineData("localhost:smtp", "port must be a number")]
    [InlineData("localhost:70000", "port must be a number")]
    public void A_bad_TAILOR_SMTP_value_says_what_is_expected(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SmtpEndpoint.Parse(value));
        Assert.Contains(expected, error.Message);
    }
}
