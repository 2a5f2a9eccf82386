using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tailor.LoadGen;

/// <summary>The three calls the load generator makes, each bounded by a timeout.</summary>
internal sealed class TailorClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _basic;
    private readonly AuthenticationHeaderValue _bearer;
    private readonly Uri _batch;
    private readonly Uri _pipeline;
    private readonly TimeSpan _timeout;

    public TailorClient(TailorTarget target, int maxConnections, TimeSpan timeout)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(30),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = target.Url,
            Timeout = Timeout.InfiniteTimeSpan, // each call has its own token
        };
        _timeout = timeout;
        _basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(target.WriteKey + ":")));
        _bearer = new AuthenticationHeaderValue("Bearer", target.AdminKey);
        _batch = new Uri(target.Url, "/v1/batch");
        _pipeline = new Uri(target.Url, "/api/pipeline");
    }

    /// <summary>POSTs one batch; returns the HTTP status, or 0 on a transport error or timeout.</summary>
    public async Task<int> SendBatchAsync(ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _batch) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Authorization = _basic;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException) { return 0; }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return 0; }
        catch (OperationCanceledException) { return Abandoned; } // the run's hard stop: counted, not thrown
    }

    /// <summary>The status recorded for a request still outstanding when the run's hard stop came.</summary>
    public const int Abandoned = -1;

    public async Task<int> LookupAsync(string userId, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/profiles/lookup?type=userId&value=" + Uri.EscapeDataString(userId));
        request.Headers.Authorization = _bearer;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException) { return 0; }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return 0; }
        catch (OperationCanceledException) { return Abandoned; }
    }

    public async Task<PipelineStatus?> PipelineAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, _pipeline);
        request.Headers.Authorization = _bearer;
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return null;
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(timeout.Token));
            var root = document.RootElement;
            return new PipelineStatus(root.GetProperty("logPosition").GetInt64(), root.GetProperty("pipelinePosition").GetInt64(),
                root.GetProperty("lag").GetInt64(), root.GetProperty("profiles").GetInt64());
        }
        catch (HttpRequestException) { return null; }
        catch (JsonException) { return null; }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return null; }
    }

    public void Dispose() => _http.Dispose();

    public static string Status(IReadOnlyDictionary<int, long> counts) =>
        string.Join(" ", counts.OrderBy(kv => kv.Key).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{(kv.Key == 0 ? "err" : kv.Key == Abandoned ? "abandoned at hard stop" : kv.Key.ToString(CultureInfo.InvariantCulture))}:{kv.Value}")));
}

internal sealed record PipelineStatus(long LogPosition, long PipelinePosition, long Lag, long Profiles);
