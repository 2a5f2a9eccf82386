using Tailor.Core.Messaging;
using Tailor.Server.Messaging;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Messaging;

/// <summary>
/// Servers limit messages per connection (exim: 1,000) and answer 421 after that. A campaign sends far more over
/// pooled connections, so the sender must drop a connection the server is closing and go on with a new one.
/// </summary>
public sealed class SmtpConnectionLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_closing_the_connection_after_its_message_limit_does_not_lose_messages()
    {
        const int messages = 1_010; // past exim's smtp_accept_max_per_connection (1,000) on one pooled connection
        await using var sender = new SmtpEmailSender(SmtpEndpoint.Parse(SmtpSink.Address), connections: 1);
        var to = SmtpSink.NewRecipient("limit");
        for (var i = 0; i < messages; i++)
            await sender.SendAsync(new EmailMessage("shop@example.test", to, $"n{i}", null, "x"), Ct);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        int received;
        while ((received = SmtpSink.CountByRecipient(to).GetValueOrDefault(to)) < messages && DateTime.UtcNow < deadline) await Task.Delay(200, Ct);
        Assert.Equal(messages, received);
    }
}
