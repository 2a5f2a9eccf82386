using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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
/// Every HTML email goes as multipart/alternative with a plain-text part (<see cref="HtmlText"/> when it has none);
/// transport security, the SMTP login and DKIM signing follow <see cref="EmailOptions"/> (docs/email.md).
/// </summary>
public sealed class SmtpEmailSender : IEmailSender, IAsyncDisposable
{
    public const int DefaultConnections = 4;

    private readonly SmtpEndpoint _endpoint;
    private readonly Channel<SmtpClient> _idle;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _timeout;
    private readonly EmailOptions _options;
    private readonly SecureSocketOptions _security;
    private readonly X509Certificate2Collection? _trusted;
    private readonly DkimSigning? _dkim;

    /// <param name="email">Login, transport security and DKIM; none of them by default.</param>
    /// <exception cref="FormatException">A file named by <paramref name="email"/> (DKIM key, trusted certificates) cannot be read.</exception>
    public SmtpEmailSender(SmtpEndpoint endpoint, int connections = DefaultConnections, TimeSpan? timeout = null, EmailOptions? email = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _endpoint = endpoint;
        _idle = Channel.CreateUnbounded<SmtpClient>();
        _slots = new SemaphoreSlim(connections, connections);
        _timeout = timeout ?? TimeSpan.FromSeconds(30);
        _options = email ?? new EmailOptions();
        _security = Security(_options, endpoint.Port);
        _trusted = _options.SmtpTrustedCertificates is { Length: > 0 } pem ? TrustedCertificates(pem) : null;
        _dkim = DkimSigning.From(_options);
    }

    /// <summary>
    /// How the connection is secured. <c>auto</c> is MailKit's (implicit TLS on 465, else STARTTLS when offered), except
    /// that a login is never sent in clear: with a user configured, STARTTLS becomes required.
    /// </summary>
    private static SecureSocketOptions Security(EmailOptions options, int port) => options.SmtpSecurity switch
    {
        EmailOptions.StartTls => SecureSocketOptions.StartTls,
        EmailOptions.Tls => SecureSocketOptions.SslOnConnect,
        EmailOptions.None => SecureSocketOptions.None,
        _ when port == 465 => SecureSocketOptions.SslOnConnect,
        _ => options.HasLogin ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable,
    };

    private static X509Certificate2Collection TrustedCertificates(string path)
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            return certificates.Count > 0 ? certificates : throw new FormatException($"Tailor:Email:SmtpTrustedCertificates '{path}' holds no PEM certificate.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new FormatException($"Tailor:Email:SmtpTrustedCertificates '{path}' could not be read as PEM certificates: {e.Message}", e);
        }
    }

    /// <summary>The system's verdict, or — for a chain the system does not trust — a chain to one of the configured certificates. The name must match either way.</summary>
    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (_trusted is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private CA publishes no revocation list
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
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

    private SmtpClient NewClient() => new() { Timeout = (int)_timeout.TotalMilliseconds, ServerCertificateValidationCallback = ValidateCertificate };

    private async Task SendOnAsync(SmtpClient client, MimeMessage mime, CancellationToken cancellationToken)
    {
        try
        {
            if (!client.IsConnected)
            {
                await client.ConnectAsync(_endpoint.Host, _endpoint.Port, _security, cancellationToken);
                if (_options.HasLogin) await client.AuthenticateAsync(_options.SmtpUser!, _options.SmtpPassword ?? "", cancellationToken);
            }
            await client.SendAsync(mime, cancellationToken);
        }
        catch (SmtpCommandException e)
        {
            // The server answered: keep the connection for the next message, report whether a retry can help.
            throw new EmailSendException($"SMTP server {_endpoint} refused the message ({(int)e.StatusCode} {e.ErrorCode}): {e.Message}",
                permanent: (int)e.StatusCode >= 500, e);
        }
        catch (AuthenticationException e)
        {
            // The password is never part of the message.
            client.Dispose();
            throw new EmailSendException($"SMTP server {_endpoint} refused the login of user '{_options.SmtpUser}': {e.Message}", permanent: false, e);
        }
        catch (SslHandshakeException e)
        {
            client.Dispose();
            throw new EmailSendException($"TLS with SMTP server {_endpoint} failed ({_options.SmtpSecurity}): {e.Message}", permanent: false, e);
        }
        catch (NotSupportedException e)
        {
            // STARTTLS required but not offered, or a login configured and no mechanism offered (MailKit says which).
            client.Dispose();
            throw new EmailSendException($"SMTP server {_endpoint} cannot be used as configured: {e.Message}", permanent: false, e);
        }
        catch (Exception e) when (e is IOException or ServiceNotConnectedException or SmtpProtocolException or System.Net.Sockets.SocketException or TimeoutException)
        {
            client.Dispose();
            throw new EmailSendException($"Could not send through SMTP server {_endpoint}: {e.Message}", permanent: false, e);
        }
    }

    private MimeMessage ToMime(EmailMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(Address(message.From, "from"));
        mime.To.Add(Address(message.To, "to"));
        mime.Subject = message.Subject;
        mime.MessageId = message.MessageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId();
        foreach (var (name, value) in message.Headers)
            mime.Headers.Add(name, value);
        // An HTML email always carries a text alternative: multipart/alternative, text first (RFC 2046: the richest last).
        var text = message.TextBody ?? (message.HtmlBody is { } html ? HtmlText.From(html) : null);
        mime.Body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = text }.ToMessageBody();
        _dkim?.Sign(mime);
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
