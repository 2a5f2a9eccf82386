using System.Net;
using System.Net.Sockets;

namespace Tailor.Server.Triggers;

/// <summary>
/// The named <see cref="IHttpClientFactory"/> client webhooks are sent with. Its handler resolves the host itself
/// when it connects, checks every address against the <see cref="WebhookAddressPolicy"/> and connects only to the
/// addresses it checked (so a DNS answer that changes between a check and the connect cannot slip through); it
/// follows no redirects and uses no proxy (a proxy would connect on Tailor's behalf, past the check). The client has
/// no timeout of its own: each request carries its webhook's.
/// </summary>
public static class WebhookHttp
{
    public const string ClientName = "tailor-webhooks";

    /// <summary>Connections are renewed this often, so a DNS change reaches long-lived pools.</summary>
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Registers the client under <see cref="ClientName"/>; the <see cref="WebhookAddressPolicy"/> must be registered.</summary>
    public static IServiceCollection AddWebhookHttp(this IServiceCollection services)
    {
        services.AddHttpClient(ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(sp.GetRequiredService<WebhookAddressPolicy>()))
            // The handler renews its own connections (ConnectionLifetime), so the factory need not rotate it.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // Webhook URLs may carry tokens: they are not logged per request.
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>The guarded handler: a refused address surfaces as an <see cref="HttpRequestException"/> whose inner exception is a <see cref="WebhookRefusedException"/>.</summary>
    public static SocketsHttpHandler CreateHandler(WebhookAddressPolicy policy) => new()
    {
        PooledConnectionLifetime = ConnectionLifetime,
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = (context, ct) => ConnectAsync(policy, context, ct),
    };

    private static async ValueTask<Stream> ConnectAsync(WebhookAddressPolicy policy, SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        // An IP literal in any spelling the URI parser accepted (2130706433, 0x7f.1, [::ffff:127.0.0.1]) is an address already.
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new WebhookRefusedException($"{host} did not resolve to any address");
        foreach (var address in addresses)
        {
            if (policy.Refusal(address) is { } why)
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
}
