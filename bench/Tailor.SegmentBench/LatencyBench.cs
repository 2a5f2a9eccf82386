using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Tailor.SegmentBench;

/// <summary>
/// Visibility latency: a child `tailor serve` with the 20 segments plus a probe segment (`performed "Segbench Probe"`);
/// subscribed to /api/segments/stream?segment=...; one probe event per sample for a new user, sequentially, while a
/// light background load of page/product events runs. Measures from the end of the 2xx to the `entered` notice.
/// </summary>
internal static class LatencyBench
{
    private const string Probe = "Segbench Probe";

    public static async Task<string> RunAsync(string serverDll, string? templateDb, string segmentsFile, int samples, int backgroundRate, CancellationToken ct)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var data = Path.Combine(Path.GetTempPath(), $"segbench-latency-{port}");
        Directory.CreateDirectory(data);
        if (templateDb is not null) File.Copy(templateDb, Path.Combine(data, "tailor.db"), overwrite: true);
        var writeKey = "wk_segbench_" + Guid.NewGuid().ToString("N");
        var adminKey = "tk_admin_segbench_" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[Path.GetFullPath(serverDll), "serve", "--urls", url.ToString().TrimEnd('/'), "--data", data]) start.ArgumentList.Add(a);
        start.Environment["TAILOR_WRITE_KEY"] = writeKey;
        start.Environment["TAILOR_ADMIN_KEY"] = adminKey;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var log = new StreamWriter(Path.Combine(data, "server.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try { using var h = await http.GetAsync(new Uri("/health", UriKind.Relative), ct); if (h.IsSuccessStatusCode) break; }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > deadline || process.HasExited) throw new InvalidOperationException("server did not start; see " + data);
                await Task.Delay(200, ct);
            }
            var admin = new AuthenticationHeaderValue("Bearer", adminKey);
            var write = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
            var rules = Program.ReadSegments(segmentsFile).Append((Probe, $"performed \"{Probe}\""));
            foreach (var (name, rule) in rules)
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, "/api/segments") { Content = JsonContent.Create(new { name, rule }) };
                req.Headers.Authorization = admin;
                using var res = await http.SendAsync(req, ct);
                if ((int)res.StatusCode >= 300) throw new InvalidOperationException($"create {name}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync(ct)}");
            }
            Console.WriteLine("segments created; waiting 5 s for initial recomputes");
            await Task.Delay(5000, ct);

            // SSE subscriber.
            var entered = Channel.CreateUnbounded<long>();
            using var sseHttp = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
            var sseReq = new HttpRequestMessage(HttpMethod.Get, "/api/segments/stream?segment=" + Uri.EscapeDataString(Probe));
            sseReq.Headers.Authorization = admin;
            var sseRes = await sseHttp.SendAsync(sseReq, HttpCompletionOption.ResponseHeadersRead, ct);
            sseRes.EnsureSuccessStatusCode();
            var subscribed = new TaskCompletionSource();
            var reader = Task.Run(async () =>
            {
                using var stream = new StreamReader(await sseRes.Content.ReadAsStreamAsync(cts.Token));
                while (await stream.ReadLineAsync(cts.Token) is { } line)
                {
                    if (line.StartsWith("event: subscribed", StringComparison.Ordinal)) subscribed.TrySetResult();
                    if (line.StartsWith("event: entered", StringComparison.Ordinal)) entered.Writer.TryWrite(Stopwatch.GetTimestamp());
                }
            }, cts.Token);
            await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

            // Light background load: batches of 10 page / product events.
            var background = Task.Run(async () =>
            {
                var rnd = new Random(7);
                var interval = TimeSpan.FromSeconds(10.0 / Math.Max(1, backgroundRate));
                using var timer = new PeriodicTimer(interval);
                while (await timer.WaitForNextTickAsync(cts.Token))
                {
                    var body = Batch(Enumerable.Range(0, 10).Select(_ =>
                    {
                        var u = "bg" + rnd.Next(10_000).ToString(CultureInfo.InvariantCulture);
                        return rnd.Next(2) == 0
                            ? $$$"""{"type":"page","userId":"{{{u}}}","messageId":"{{{Guid.NewGuid():N}}}","properties":{"path":"/products/sku-{{{rnd.Next(5000)}}}"}}"""
                            : $$$"""{"type":"track","event":"Product Viewed","userId":"{{{u}}}","messageId":"{{{Guid.NewGuid():N}}}","properties":{"category":"shoes"}}""";
                    }));
                    using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    req.Headers.Authorization = write;
                    try { using var _ = await http.SendAsync(req, cts.Token); } catch (HttpRequestException) { }
                }
            }, cts.Token);
            await Task.Delay(3000, ct);

            var fromAck = new List<double>();
            var fromSend = new List<double>();
            var lost = 0;
            for (var i = 0; i < samples; i++)
            {
                while (entered.Reader.TryRead(out _)) { }
                var body = Batch([$$$"""{"type":"track","event":"{{{Probe}}}","userId":"probe-{{{i}}}-{{{Guid.NewGuid():N}}}","messageId":"{{{Guid.NewGuid():N}}}","properties":{}}"""]);
                using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                req.Headers.Authorization = write;
                var t0 = Stopwatch.GetTimestamp();
                using (var res = await http.SendAsync(req, ct)) res.EnsureSuccessStatusCode();
                var t1 = Stopwatch.GetTimestamp();
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    var t2 = await entered.Reader.ReadAsync(wait.Token);
                    fromAck.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                    fromSend.Add(Stopwatch.GetElapsedTime(t0, t2).TotalMilliseconds);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { lost++; }
                await Task.Delay(20 + Random.Shared.Next(60), ct);
            }
            await cts.CancelAsync();
            try { await Task.WhenAll(reader, background); } catch (OperationCanceledException) { } catch (HttpRequestException) { } catch (IOException) { }

            string Row(string what, List<double> xs) => string.Create(CultureInfo.InvariantCulture,
                $"| {what} | {xs.Count} | {Pct(xs, 50):F1} | {Pct(xs, 90):F1} | {Pct(xs, 99):F1} | {xs.DefaultIfEmpty().Max():F1} |");
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Background load ~{backgroundRate} events/s; 20 segments + probe defined; {(templateDb is null ? "empty store" : "store copied from " + templateDb)}; {lost} samples without an `entered` within 5 s.");
            sb.AppendLine();
            sb.AppendLine("| measured from | samples | median ms | p90 ms | p99 ms | max ms |");
            sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            sb.AppendLine(Row("2xx received → `entered` on SSE", fromAck));
            sb.AppendLine(Row("request sent → `entered` on SSE", fromSend));
            return sb.ToString();
        }
        finally
        {
            if (!process.HasExited) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(CancellationToken.None); }
            lock (log) log.Dispose();
        }
    }

    private static string Batch(IEnumerable<string> messages) => "{\"batch\":[" + string.Join(",", messages) + "]}";

    internal static double Pct(List<double> xs, double p)
    {
        if (xs.Count == 0) return double.NaN;
        var s = xs.Order().ToList();
        return s[Math.Clamp((int)Math.Ceiling(p / 100 * s.Count) - 1, 0, s.Count - 1)];
    }

    private static int FreePort()
    {
        using var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
