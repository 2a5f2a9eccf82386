using System.Net.WebSockets;
using System.Text.Json;

namespace Tailor.Server.Destinations;

/// <summary>
/// Serves the live profile stream on an accepted WebSocket: one JSON text message per notice, while a receive loop
/// reads what the client sends (and ignores it) so that the client's close is seen and answered — without it the
/// handshake never completed and the subscription outlived the socket. It ends on the client's close (answered with
/// the client's status), on the subscriber being dropped as too slow (closed with 1008 policy violation and the
/// reason, then the client's answer awaited), on a send not taken within <see cref="SendTimeout"/> (a client that
/// stopped reading: aborted), or when the request is aborted. Every wait on the client is bounded.
/// </summary>
internal static class ProfileStreamSocket
{
    /// <summary>How long one notice may wait for the client to take it before the socket is aborted.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the close handshake may take, each way.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(WebSocket socket, IAsyncEnumerable<ProfileNotice> notices, JsonSerializerOptions json, CancellationToken ct)
    {
        using var clientClosed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var receiving = ReceiveUntilCloseAsync(socket, clientClosed, ct);
        var status = WebSocketCloseStatus.NormalClosure;
        string? reason = null;
        try
        {
            await foreach (var notice in notices.WithCancellation(clientClosed.Token))
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(notice, json);
                // Not linked to the client's close: cancelling a send aborts the socket, and the close is answered after it.
                using var send = CancellationTokenSource.CreateLinkedTokenSource(ct);
                send.CancelAfter(SendTimeout);
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, send.Token);
            }
        }
        catch (SlowSubscriberException e)
        {
            status = WebSocketCloseStatus.PolicyViolation;
            reason = e.Message[..Math.Min(120, e.Message.Length)]; // a close reason is at most 123 bytes
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // the client closed or went away, a send timed out, or the server is stopping
        }
        await CloseAsync(socket, status, reason, receiving);
    }

    private static async Task ReceiveUntilCloseAsync(WebSocket socket, CancellationTokenSource clientClosed, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while ((await socket.ReceiveAsync(buffer, ct)).MessageType != WebSocketMessageType.Close) { }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // the connection ended without a close
        }
        finally
        {
            await clientClosed.CancelAsync();
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? reason, Task receiving)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                if (socket.State == WebSocketState.CloseReceived) (status, reason) = (socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null);
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
            // Our close sent: the client's answer ends the receive loop (it has already ended when the client closed first).
            await receiving.WaitAsync(CloseTimeout);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException)
        {
            // the client did not take or answer the close in time
        }
        finally
        {
            if (socket.State != WebSocketState.Closed) socket.Abort();
            await receiving; // ends at once on an aborted socket; it handles its own errors
        }
    }
}
