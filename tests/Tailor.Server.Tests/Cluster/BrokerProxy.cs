using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// A TCP proxy on loopback in front of the real RabbitMQ, under the test's control, so a test can take "the broker"
/// away without stopping the one the machine shares: <see cref="Refuse"/> (nothing listens, so connecting is refused,
/// and every connection through it is reset), <see cref="BlackHole"/> (connections stay open and carry nothing, as in a
/// network partition: neither side hears a close), and <see cref="Open"/>.
/// </summary>
internal sealed class BrokerProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<int, (Socket Client, Socket Broker)> _pairs = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private volatile bool _blackHole;
    private int _next;

    private BrokerProxy(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    /// <summary>The proxy's port on 127.0.0.1 (the same across <see cref="Refuse"/> and <see cref="Open"/>).</summary>
    public int Port { get; }

    /// <summary>Connections accepted since the start.</summary>
    public int Accepted => Volatile.Read(ref _next);

    /// <summary>A proxy to the broker of <paramref name="amqpUri"/>, refusing until <see cref="Open"/>; answers it and the URI to give the nodes.</summary>
    public static (BrokerProxy Proxy, string Uri) To(string amqpUri)
    {
        var broker = new Uri(amqpUri);
        var address = Dns.GetHostAddresses(broker.Host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var proxy = new BrokerProxy(new IPEndPoint(address, broker.Port < 0 ? 5672 : broker.Port), port);
        var through = new UriBuilder(broker) { Host = "127.0.0.1", Port = port }.Uri.ToString();
        return (proxy, through);
    }

    /// <summary>Listens again and forwards.</summary>
    public void Open()
    {
        _blackHole = false;
        if (_listener is not null) return;
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _ = Task.Run(() => AcceptAsync(listener), CancellationToken.None);
    }

    /// <summary>Stops listening (new connections are refused) and resets every connection through the proxy.</summary>
    public void Refuse()
    {
        _listener?.Stop();
        _listener = null;
        foreach (var (id, pair) in _pairs)
        {
            Reset(pair.Client);
            Reset(pair.Broker);
            _pairs.TryRemove(id, out _);
        }
    }

    /// <summary>Keeps every connection open but carries no byte in either direction.</summary>
    public void BlackHole() => _blackHole = true;

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { return; }
            var broker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { await broker.ConnectAsync(_target, _stop.Token); }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                Reset(client);
                broker.Dispose();
                continue;
            }
            var id = Interlocked.Increment(ref _next);
            _pairs[id] = (client, broker);
            _ = Task.Run(() => PumpAsync(id, client, broker), CancellationToken.None);
            _ = Task.Run(() => PumpAsync(id, broker, client), CancellationToken.None);
        }
    }

    private async Task PumpAsync(int id, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) break;
                if (_blackHole) continue; // swallowed: the other side hears nothing, not even a close
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        if (_pairs.TryRemove(id, out var pair))
        {
            Reset(pair.Client);
            Reset(pair.Broker);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // a reset, not a polite close
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Refuse();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
