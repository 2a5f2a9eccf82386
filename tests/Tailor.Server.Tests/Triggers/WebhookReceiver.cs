using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tailor.Server.Tests.Triggers;

/// <summary>
/// A real HTTP server on loopback that receives webhooks: it records every request (headers and body) and answers
/// with the status <see cref="Answer"/> chooses for the n-th request (1-based) of an idempotency key.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Status per attempt of one key; 200 by default.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;

    /// <summary>How long (real time) to hold the n-th request of a key before answering; none by default.</summary>
    public Func<int, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

    /// <summary>Where a 3xx answer points (a <c>Location</c> header); none by default.</summary>
    public string? RedirectTo { get; set; }

    public Uri Url { get; private set; } = null!;

    public sealed record Received(string Path, string Body, string? Signature, string? Timestamp, string? IdempotencyKey, int Status);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
            var attempt = receiver._attempts.AddOrUpdate(key ?? "", 1, (_, n) => n + 1);
            var status = receiver.Answer(attempt);
            if (receiver.Delay(attempt) is { } hold && hold > TimeSpan.Zero)
            {
                try { await Task.Delay(hold, context.RequestAborted); }
                catch (OperationCanceledException) { } // the sender gave up: recorded below all the same
            }
            receiver.Requests.Enqueue(new Received(context.Request.Path, body, context.Request.Headers["X-Tailor-Signature"].FirstOrDefault(),
                context.Request.Headers["X-Tailor-Timestamp"].FirstOrDefault(), key, status));
            if (status is >= 300 and < 400 && receiver.RedirectTo is { } location) context.Response.Headers.Location = location;
            return Results.StatusCode(status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return receiver;
    }

    /// <summary>Waits (real time) until at least <paramref name="count"/> requests arrived.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Requests.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20, TestContext.Current.CancellationToken);
        return [.. Requests];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
