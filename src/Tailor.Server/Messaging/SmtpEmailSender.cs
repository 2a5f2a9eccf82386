using System.Threading.Channels;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Tailor.Core.Messaging;

namespace Tailor.Server.Messaging;

/// <summary>
/// Sends over SMTP with MailKit through a small pool of open connections, so a campaign does not pay a TCP and
/// SMTP handshake per message. A connection that went stale while idle is replaced and the send tried once more.
/// </summary>
public sealed class SmtpEmailSender : IEmailSender, IAsyncDisposable
{
    public const int DefaultConnections = 4;

    private readonly SmtpEndpoint _endpoint;
    private readonly Channel<SmtpClient> _idle;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _timeout;

    public SmtpEmailSender(SmtpEndpoint endpoint, int connections = DefaultConnections, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _endpoint = endpoint;
        _idle = Channel.CreateUnbounded<SmtpClient>();
        _slots = new SemaphoreSlim(connections, connections);
        _timeout = timeout ?? TimeSpan.FromSeconds(30);
    }

    public SmtpEndpoint Endpoint => _endpoint;

    public async ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mime = ToMime(message);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var reused = _idle.Reader.TryRead(out var client);
            client ??= NewClient();
            try
            {
                await SendOnAsync(client, mime, cancellationToken);
            }
            catch (EmailSendException e) when (reused && (e.InnerException is not SmtpCommandException || IsClosing(e)))
            {
                // An idle connection the server had closed, or is closing (421, e.g. its per-connection message limit): one fresh try.
                client.Dispose();
                client = NewClient();
                await SendOnAsync(client, mime, cancellationToken);
            }
            catch (EmailSendException e) when (e.InnerException is SmtpCommandException)
            {
                // The server answered: the connection is still good, unless the answer was 421 (it is closing the channel).
                if (IsClosing(e)) client.Dispose();
                else _idle.Writer.TryWrite(client);
                throw;
            }
            _idle.Writer.TryWrite(client);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>RFC 5321 421: the server is closing the transmission channel, so the connection must not be reused.</summary>
    private static bool IsClosing(EmailSendException e) => e.InnerException is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    private SmtpClient NewClient() => new() { Timeout = (int)_timeout.TotalMilliseconds };

    private async Task SendOnAsync(SmtpClient client, MimeMessage mime, CancellationToken cancellationToken)
    {
        try
        {
            if (!client.IsConnected)
                await client.ConnectAsync(_endpoint.Host, _endpoint.Port, SecureSocketOptions.Auto, cancellationToken);
            await client.SendAsync(mime, cancellationToken);
        }
        catch (SmtpCommandException e)
        {
            // The server answered: keep the connection for the next message, report whether a retry can help.
            throw new EmailSendException($"SMTP server {_endpoint} refused the message ({(int)e.StatusCode} {e.ErrorCode}): {e.Message}",
                permanent: (int)e.StatusCode >= 500, e);
        }
        catch (Exception e) when (e is IOException or ServiceNotConnectedException or SmtpProtocolException or System.Net.Sockets.SocketException or TimeoutException)
        {
            client.Dispose();
            throw new EmailSendException($"Could not send through SMTP server {_endpoint}: {e.Message}", permanent: false, e);
        }
    }

    private static MimeMessage ToMime(EmailMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(Address(message.From, "from"));
        mime.To.Add(Address(message.To, "to"));
        mime.Subject = message.Subject;
        mime.MessageId = message.MessageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId();
        foreach (var (name, value) in message.Headers)
            mime.Headers.Add(name, value);
        mime.Body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = message.TextBody }.ToMessageBody();
        return mime;
    }

    private static MailboxAddress Address(string value, string field) =>
        MailboxAddress.TryParse(value, out var address)
            ? address
            : throw new EmailSendException($"'{field}' is not a valid email address: '{value}'.", permanent: true);

    public async ValueTask DisposeAsync()
    {
        while (_idle.Reader.TryRead(out var client))
        {
            try
            {
                if (client.IsConnected) await client.DisconnectAsync(quit: true);
            }
            catch (Exception e) when (e is IOException or ServiceNotConnectedException or SmtpProtocolException)
            {
                // Closing anyway.
            }
            client.Dispose();
        }
        _slots.Dispose();
    }
}

/// <summary>Stands in when <c>TAILOR_SMTP</c> is not set, so that an email action fails with a message saying how to fix it.</summary>
public sealed class UnconfiguredEmailSender : IEmailSender
{
    public ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        throw new EmailSendException("Email is not configured: set TAILOR_SMTP=host:port (or tailor serve --smtp host:port).", permanent: false);
}
