using System.Net;
using System.Net.Sockets;

namespace Tailor.Server.Triggers;

/// <summary>
/// The HTTP client webhooks are sent with. Its handler resolves the host itself when it connects, checks every
/// address against the <see cref="WebhookAddressPolicy"/> and connects only to the addresses it checked (so a DNS
/// answer that changes between a check and the connect cannot slip through); it follows no redirects and uses no
/// proxy (a proxy would connect on Tailor's behalf, past the check).
/// </summary>
public sealed class WebhookHttp : IDisposable
{
    private readonly WebhookAddressPolicy _policy;

    public WebhookHttp(WebhookAddressPolicy policy)
    {
        _policy = policy;
        Client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = ConnectAsync,
        }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Shared by every delivery; a refused address surfaces as an <see cref="HttpRequestException"/> whose inner exception is a <see cref="WebhookRefusedException"/>.</summary>
    public HttpClient Client { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        // An IP literal in any spelling the URI parser accepted (2130706433, 0x7f.1, [::ffff:127.0.0.1]) is an address already.
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new WebhookRefusedException($"{host} did not resolve to any address");
        foreach (var address in addresses)
        {
            if (_policy.Refusal(address) is { } why)
                throw new WebhookRefusedException(address.ToString() == host ? why : $"{host} resolves to {why}");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Client.Dispose();
}
