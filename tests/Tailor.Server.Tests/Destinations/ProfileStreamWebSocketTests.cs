using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tailor.Core.Profiles;
using Tailor.Server.Destinations;
using Tailor.Server.Pipeline;
using Tailor.Server.Tests.Hosting;
using Tailor.Server.Tests.Triggers;

namespace Tailor.Server.Tests.Destinations;

/// <summary>
/// The live profile stream over a real <see cref="ClientWebSocket"/> against the app's Kestrel on 127.0.0.1: live
/// notices, resume from a position, the consent gate, a slow client dropped with a close that says why, and the
/// close handshake completed by the server. Every wait is bounded by <see cref="Wait"/> and the test's token.
/// </summary>
public sealed class ProfileStreamWebSocketTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string Hidden = "hidden-person";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_WebSocket_stream_sends_live_changes_resumes_from_a_position_leaves_out_a_person_without_consent_and_closes_cleanly()
    {
        await using var app = await TriggerApp.StartAsync();
        await app.IdentifyAsync("carol", "carol@example.com", "personalization");
        await app.IdentifyAsync(Hidden, "hidden@example.com", "email", "data sharing");
        var hiddenId = await app.ProfileIdAsync(Hidden); // also waits until the pipeline has folded both
        var stream = app.Services.GetRequiredService<ProfileStream>();

        // Without a key: refused before the upgrade.
        using (var anonymous = new ClientWebSocket())
        {
            anonymous.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => anonymous.ConnectAsync(StreamUri(app, ""), Bounded().Token));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
        }

        // Live: the server subscribes before it accepts, so every change committed after the connect comes.
        var seen = new StringBuilder();
        long position;
        using (var socket = await ConnectAsync(app, ""))
        {
            Assert.Equal(1, stream.Subscribers);
            await app.Ingest.SendAsync("/v1/identify", new { userId = Hidden, traits = new { plan = "hidden-plan" } });
            await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
            // Notices go out in commit order: carol's coming means the hidden person's would have come before it.
            await app.Ingest.SendAsync("/v1/identify", new { userId = "carol", traits = new { plan = "gold" } });
            var gold = await ReceiveUntilAsync(socket, seen, n => (string?)n["traits"]?["plan"] == "gold");
            Assert.Equal("profile", (string)gold["type"]!);
            Assert.Equal("carol@example.com", (string)gold["traits"]!["email"]!);
            position = (long)gold["position"]!;
            Assert.True(position > 0);

            // The client closes; the server answers the close handshake and lets go of its subscription.
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Bounded().Token);
            Assert.Equal(WebSocketState.Closed, socket.State);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
            await UntilAsync(() => stream.Subscribers == 0, "the server kept the closed socket's subscription");
        }

        // Changes while disconnected; a resume from the last position replays the changed profiles as they stand now.
        await app.Ingest.SendAsync("/v1/identify", new { userId = Hidden, traits = new { plan = "hidden-again" } });
        await app.Ingest.SendAsync("/v1/identify", new { userId = "carol", traits = new { plan = "platinum" } });
        await PipelineProgress.WaitUntilCaughtUpAsync(app.Admin);
        using (var resumed = await ConnectAsync(app, $"from={position}"))
        {
            var replay = await ReceiveUntilAsync(resumed, seen, n => (string?)n["traits"]?["plan"] == "platinum");
            Assert.Equal("carol@example.com", (string)replay["traits"]!["email"]!);
            Assert.True((long)replay["position"]! > position);
            // Then live again on the same socket.
            await app.Ingest.SendAsync("/v1/identify", new { userId = "carol", traits = new { plan = "diamond" } });
            await ReceiveUntilAsync(resumed, seen, n => (string?)n["traits"]?["plan"] == "diamond");
            await resumed.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Bounded().Token);
            Assert.Equal(WebSocketState.Closed, resumed.State);
        }
        await UntilAsync(() => stream.Subscribers == 0, "the server kept the resumed socket's subscription");

        var text = seen.ToString();
        Assert.DoesNotContain(hiddenId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_position_too_far_back_is_refused_before_the_upgrade()
    {
        await using var app = await TriggerApp.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", $"Bearer {app.Options.AdminKey}");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(StreamUri(app, "from=-1"), Bounded().Token));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_with_a_policy_violation_close_and_the_server_lets_go()
    {
        await using var app = await TriggerApp.StartAsync();
        var stream = app.Services.GetRequiredService<ProfileStream>();
        var feed = app.Services.GetRequiredService<ChangeFeed>();
        using var socket = await ConnectAsync(app, "");

        // The client reads nothing while ten queues' worth of 16 kB notices are published at once. The socket buffers
        // of loopback hold at most ~36 MB (tcp_wmem 4 MB + tcp_rmem 32 MB at most), ~2,300 of them, and the queue 1,000:
        // the rest cannot fit anywhere, so the subscriber is dropped whatever the scheduling.
        using var blob = JsonDocument.Parse(JsonSerializer.Serialize(new string('x', 16 * 1024)));
        var published = 10 * ProfileStream.QueueLength;
        var profiles = Enumerable.Range(0, published).Select(i => new Profile
        {
            Id = $"p{i}", CreatedAt = app.Now,
            Traits = new(StringComparer.Ordinal) { ["blob"] = new TraitValue(blob.RootElement, app.Now) },
            Consent = new(StringComparer.Ordinal) { [ConsentPurposes.Personalization] = new ConsentRecord(true, app.Now, "test", null) },
        }).ToList();
        feed.ProfilesChanged(profiles);

        // Now it reads: what was buffered and queued, then the server's close saying why.
        var received = 0;
        var buffer = new byte[64 * 1024];
        using var timeout = Bounded();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) break;
            if (result.EndOfMessage) received++;
        }
        Assert.Equal(WebSocketState.CloseReceived, socket.State);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Contains("reconnect with the last position", socket.CloseStatusDescription, StringComparison.Ordinal);
        Assert.InRange(received, 1, published - 1);
        Assert.Equal(0, stream.Subscribers);

        // The client answers the close; the handshake completes.
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, Bounded().Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    private static Uri StreamUri(TriggerApp app, string query)
    {
        var http = app.Admin.BaseAddress!;
        return new Uri($"ws://{http.Host}:{http.Port}/v1/profiles/stream/ws{(query.Length > 0 ? "?" + query : "")}");
    }

    private static async Task<ClientWebSocket> ConnectAsync(TriggerApp app, string query)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {app.Options.AdminKey}");
        await socket.ConnectAsync(StreamUri(app, query), Bounded().Token);
        return socket;
    }

    /// <summary>Receives text messages (each appended to <paramref name="seen"/>) until one matches; fails on a close or after <see cref="Wait"/>.</summary>
    private static async Task<JsonNode> ReceiveUntilAsync(ClientWebSocket socket, StringBuilder seen, Func<JsonNode, bool> match)
    {
        using var timeout = Bounded();
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) Assert.Fail($"the server closed the stream ({socket.CloseStatus}: {socket.CloseStatusDescription}); seen:\n{seen}");
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            message.SetLength(0);
            seen.AppendLine(text);
            if (JsonNode.Parse(text) is { } notice && match(notice)) return notice;
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        using var timeout = Bounded();
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail(failure);
            await Task.Delay(10, Ct);
        }
    }

    private static CancellationTokenSource Bounded()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Wait);
        return timeout;
    }
}
