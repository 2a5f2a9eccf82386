using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;

namespace Tailor.LoadGen;

/// <summary>
/// Measures how soon a membership change is visible (target 2 of issue 17): a segment <c>performed "LoadGen Probe"</c>,
/// a subscriber on <c>/api/segments/stream</c> for it, and one probe event at a time for a new user, timed from its
/// 2xx to the <c>entered</c> notice (5 s at most, else counted as missed), while the load runs beside it.
/// </summary>
internal sealed class MembershipProbe(TailorTarget target) : IAsyncDisposable
{
    private const string Probe = "LoadGen Probe";
    private readonly HttpClient _http = new() { BaseAddress = target.Url, Timeout = Timeout.InfiniteTimeSpan };
    private readonly Channel<long> _entered = Channel.CreateUnbounded<long>();
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    public LatencyRecorder Latency { get; } = new();
    public int Missed { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        using (var create = new HttpRequestMessage(HttpMethod.Post, "/api/segments") { Content = JsonContent.Create(new { name = Probe, rule = $"performed \"{Probe}\"" }) })
        {
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.AdminKey);
            using var created = await _http.SendAsync(create, ct);
            created.EnsureSuccessStatusCode();
        }
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/segments/stream?segment=" + Uri.EscapeDataString(Probe));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.AdminKey);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var subscribed = new TaskCompletionSource();
        _reader = Task.Run(async () =>
        {
            try
            {
                using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
                while (await stream.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.StartsWith("event: subscribed", StringComparison.Ordinal)) subscribed.TrySetResult();
                    if (line.StartsWith("event: entered", StringComparison.Ordinal)) _entered.Writer.TryWrite(Stopwatch.GetTimestamp());
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
            catch (HttpRequestException) { }
            finally { response.Dispose(); }
        }, CancellationToken.None);
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    /// <summary>Probes one at a time from <paramref name="from"/> to <paramref name="to"/> seconds of the run clock.</summary>
    public async Task RunAsync(Func<double> now, double from, double to, CancellationToken ct)
    {
        var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(target.WriteKey + ":")));
        try
        {
            while (now() < from) await Task.Delay(100, ct);
            for (var i = 0; now() < to && !ct.IsCancellationRequested; i++)
            {
                while (_entered.Reader.TryRead(out _)) { }
                var body = $$$"""{"batch":[{"type":"track","event":"{{{Probe}}}","userId":"probe-{{{i}}}-{{{Guid.NewGuid():N}}}","messageId":"{{{Guid.NewGuid():N}}}","properties":{}}]}""";
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = auth;
                using (var response = await _http.SendAsync(request, ct))
                    if (!response.IsSuccessStatusCode) { Missed++; continue; }
                var acked = Stopwatch.GetTimestamp();
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(TimeSpan.FromSeconds(5));
                try { Latency.Add(Stopwatch.GetElapsedTime(acked, await _entered.Reader.ReadAsync(wait.Token)).TotalMilliseconds); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { Missed++; }
                await Task.Delay(50 + Random.Shared.Next(50), ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (HttpRequestException) { Missed++; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        _http.Dispose();
        _stop.Dispose();
    }
}
